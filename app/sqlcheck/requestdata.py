"""Which table each list of records in a request fills, and the ids the client sent."""

from collections.abc import Iterator, Mapping, Sequence

from app.schemas import Record, SqlRequest

# The request carries three fixed lists; a schema table with no list simply starts empty.
RECORD_LISTS = {"CATEGORY": "categories", "TODO": "todos", "SCHEDULE": "schedules"}


def records_by_table(request: SqlRequest) -> dict[str, Sequence[Record]]:
    """The request's records keyed by upper-case table name."""
    return {table: getattr(request, attribute) for table, attribute in RECORD_LISTS.items()}


class SentIds(Mapping[str, frozenset[int]]):
    """The ids the client sent, per table; statements may name no others.

    A table's set is built when a statement first names one of its ids: most statements name
    ids of one table, and a user may send thousands of records of the others.
    """

    def __init__(self, request: SqlRequest):
        self._request = request
        self._ids: dict[str, frozenset[int]] = {}

    def __getitem__(self, table: str) -> frozenset[int]:
        ids = self._ids.get(table)
        if ids is None:
            attribute = RECORD_LISTS[table]  # KeyError for a table the request has no list of
            records: Sequence[Record] = getattr(self._request, attribute)
            ids = self._ids[table] = frozenset(record.id for record in records)
        return ids

    def __iter__(self) -> Iterator[str]:
        return iter(RECORD_LISTS)

    def __len__(self) -> int:
        return len(RECORD_LISTS)


class _EveryId(frozenset[int]):
    """Contains every id: the records are unknown, so no id can be refused."""

    def __contains__(self, item: object) -> bool:
        return True


class _AnyTable(Mapping[str, frozenset[int]]):
    """Every table's ids are `_EveryId` (validation without the request's records)."""

    def __getitem__(self, key: str) -> frozenset[int]:
        return _EveryId()

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def get(self, key: str, default: object = None) -> frozenset[int]:
        """Every id of any table."""
        return _EveryId()


# The sent ids when the request is unknown (feedback on a redacted request): no id is refused.
EVERY_ID = _AnyTable()

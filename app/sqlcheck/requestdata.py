"""Which table each list of records in a request fills, and the ids the client sent."""

from collections.abc import Sequence

from app.schemas import Record, SqlRequest

# The request carries three fixed lists; a schema table with no list simply starts empty.
RECORD_LISTS = {"CATEGORY": "categories", "TODO": "todos", "SCHEDULE": "schedules"}


def records_by_table(request: SqlRequest) -> dict[str, Sequence[Record]]:
    """The request's records keyed by upper-case table name."""
    return {table: getattr(request, attribute) for table, attribute in RECORD_LISTS.items()}


def sent_ids(request: SqlRequest) -> dict[str, frozenset[int]]:
    """The ids the client sent, per table; statements may name no others."""
    return {table: frozenset(record.id for record in records) for table, records in records_by_table(request).items()}

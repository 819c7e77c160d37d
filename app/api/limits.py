"""The configurable request limits (prompt length, records, title and memo length) as 422 invalid_request.

The request schemas already hold api.md's maxima; these settings tighten them per deployment,
and a body over them gets the same error shape as a schema failure, naming the fields.
"""

from collections.abc import Sequence
from typing import Any

from app.errors import InvalidRequest
from app.schemas import Record, SqlRequest, SummaryPlan, SummaryRequest
from app.settings import Settings

# Enough to show the client what to fix without echoing thousands of offenders.
MAX_DETAILS = 20


def _detail(field: str, message: str) -> dict[str, Any]:
    return {"field": field, "message": message, "type": "limit_exceeded"}


def _too_long(name: str, records: Sequence[Record | SummaryPlan], field: str, limit: int) -> list[dict[str, Any]]:
    """A detail per record whose `field` (title, memo) is over `limit` characters."""
    return [
        _detail(f"{name}.{index}.{field}", f"a {field} may have at most {limit} characters, not {len(text)}")
        for index, record in enumerate(records)
        if (text := getattr(record, field, None)) is not None and len(text) > limit
    ]


def _raise(details: list[dict[str, Any]]) -> None:
    if details:
        fields = ", ".join(dict.fromkeys(d["field"] for d in details[:MAX_DETAILS]))
        raise InvalidRequest(f"request over a limit: {fields}", details=details[:MAX_DETAILS])


def check_sql_limits(*, request: SqlRequest, settings: Settings) -> None:
    """Raise InvalidRequest when a /v1/sql body is over a configured limit."""
    details: list[dict[str, Any]] = []
    if len(request.prompt) > settings.max_prompt_chars:
        details.append(
            _detail("prompt", f"a prompt may have at most {settings.max_prompt_chars} characters after trimming")
        )
    for index, turn in enumerate(request.history):
        if len(turn.prompt) > settings.max_prompt_chars:
            details.append(
                _detail(f"history.{index}.prompt", f"a prompt may have at most {settings.max_prompt_chars} characters")
            )
    lists: list[tuple[str, Sequence[Record]]] = [
        ("categories", request.categories),
        ("todos", request.todos),
        ("schedules", request.schedules),
    ]
    total = sum(len(records) for _, records in lists)
    if total > settings.max_records:
        # Name the list in which the running count crosses the limit.
        running = 0
        for name, records in lists:
            running += len(records)
            if running > settings.max_records:
                details.append(
                    _detail(
                        name,
                        f"{total} records (categories, todos and schedules together) "
                        f"is over the limit of {settings.max_records}",
                    )
                )
                break
    for name, records in lists:
        details.extend(_too_long(name, records, "title", settings.max_title_chars))
        details.extend(_too_long(name, records, "memo", settings.max_memo_chars))
    _raise(details)


def check_summary_limits(*, request: SummaryRequest, settings: Settings) -> None:
    """Raise InvalidRequest when a /v1/summary body is over a configured limit."""
    details: list[dict[str, Any]] = []
    if len(request.plans) > settings.max_records:
        details.append(_detail("plans", f"{len(request.plans)} plans is over the limit of {settings.max_records}"))
    details.extend(_too_long("plans", request.plans, "title", settings.max_title_chars))
    details.extend(_too_long("plans", request.plans, "memo", settings.max_memo_chars))
    _raise(details)

"""Request-log rows as the operator sees them: table cells and JSON objects."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect

from app.db.models import Feedback, LlmCallLog, RequestLog


def _utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _columns(row: Any, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every mapped column of a row (timestamps as UTC ISO strings), in the model's order."""
    values: dict[str, Any] = {}
    for attr in sa_inspect(type(row)).column_attrs:
        if attr.key not in skip:
            value = getattr(row, attr.key)
            values[attr.key] = _utc(value).isoformat() if isinstance(value, datetime) else value
    return values


def request_dict(row: RequestLog) -> dict[str, Any]:
    """Every column of a request row."""
    return _columns(row)


LOG_HEADER = ("time (UTC)", "request id", "key", "route", "http", "status/error", "engine", "check", "tokens", "ms")
LOG_WIDTHS = (19, 26, 8, 18, 4, 18, 6, 8, 6, 8)


def request_line(row: RequestLog) -> tuple[str, ...]:
    """The cells of one row of `calendy logs`."""
    tokens = row.prompt_tokens + row.completion_tokens
    return (
        _utc(row.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        row.request_id,
        row.key_id or "-",
        f"{row.method} {row.route}",
        str(row.http_status),
        row.error_code or row.status or "",
        row.engine or "",
        row.validation or "",
        str(tokens) if tokens else "",
        f"{row.latency_ms:.1f}",
    )


def call_dict(call: LlmCallLog) -> dict[str, Any]:
    """Every column of an LLM-call row but its own ids (it is shown under its request)."""
    return _columns(call, skip=frozenset({"id", "request_id"}))


def feedback_dict(item: Feedback) -> dict[str, Any]:
    """Every column of a feedback row but its request id (it is shown under its request)."""
    return _columns(item, skip=frozenset({"request_id"}))

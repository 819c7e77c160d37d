"""Request-log rows as the operator sees them: table cells and JSON objects."""

from datetime import UTC, datetime
from typing import Any

from app.db.models import Feedback, LlmCallLog, RequestLog


def _utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def request_dict(row: RequestLog) -> dict[str, Any]:
    """Every column of a request row."""
    return {
        "request_id": row.request_id,
        "created_at": _utc(row.created_at).isoformat(),
        "key_id": row.key_id,
        "method": row.method,
        "route": row.route,
        "http_status": row.http_status,
        "error_code": row.error_code,
        "error_message": row.error_message,
        "status": row.status,
        "intent": row.intent,
        "engine": row.engine,
        "model": row.model,
        "prompt": row.prompt,
        "prompt_sha256": row.prompt_sha256,
        "prompt_chars": row.prompt_chars,
        "statements": row.statements,
        "validation": row.validation,
        "llm_calls": row.llm_calls,
        "prompt_tokens": row.prompt_tokens,
        "completion_tokens": row.completion_tokens,
        "cached_tokens": row.cached_tokens,
        "latency_ms": row.latency_ms,
        "llm_latency_ms": row.llm_latency_ms,
        "request_body": row.request_body,
    }


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
    """Every column of an LLM-call row."""
    return {
        "call_index": call.call_index,
        "purpose": call.purpose,
        "model": call.model,
        "started_at": _utc(call.started_at).isoformat(),
        "latency_ms": call.latency_ms,
        "status": call.status,
        "error": call.error,
        "prompt_tokens": call.prompt_tokens,
        "completion_tokens": call.completion_tokens,
        "cached_tokens": call.cached_tokens,
        "response_text": call.response_text,
    }


def feedback_dict(item: Feedback) -> dict[str, Any]:
    """Every column of a feedback row."""
    return {
        "id": item.id,
        "created_at": _utc(item.created_at).isoformat(),
        "key_id": item.key_id,
        "outcome": item.outcome,
        "error": item.error,
        "corrected_sql": item.corrected_sql,
        "validation": item.validation,
        "corrected_statements": item.corrected_statements,
    }

"""POST /v1/feedback as a service: find the request, validate corrected SQL, store the feedback."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError
from ulid import ULID

from app.db.keys import KeyInfo
from app.db.queries import LoggedRequest, find_logged_request, store_feedback
from app.errors import InvalidRequest, SqlRejected
from app.ops.requestlog import RECORDS_OMITTED
from app.ops.state import Ops
from app.schemas import FeedbackRequest, FeedbackResponse, SqlRequest, Statement
from app.services.runtime import Runtime
from app.sqlcheck import check_sql, check_sql_without_records

FEEDBACK_ROUTE = "/v1/sql"
# Clocks of several hosts disagree a little: an id minted "in the future" by this much is still one.
CLOCK_SKEW = timedelta(minutes=5)
MAX_WAIT_FOR_OTHER_WORKERS_S = 2.0
# What the corrected SQL was validated against: the stored request's records, or the schema only.
Validation = Literal["records", "schema"]


def original_request(body: Any) -> SqlRequest | None:
    """The stored /v1/sql body as a request again, or None when it (or its records) was not stored."""
    if not isinstance(body, dict) or RECORDS_OMITTED in body:
        return None
    try:
        return SqlRequest.model_validate(body)
    except ValidationError:
        return None


def _unknown(request_id: str) -> InvalidRequest:
    return InvalidRequest(
        "request_id names no /v1/sql request of this key",
        details=[{"field": "request_id", "message": f"no /v1/sql request {request_id}", "type": "unknown_request"}],
    )


async def _find(*, ops: Ops, request_id: str, key: KeyInfo | None) -> LoggedRequest | None:
    """The request row of this key (another key's request is not found: ids reveal nothing)."""

    async def mine() -> LoggedRequest | None:
        found = await find_logged_request(engine=ops.engine, request_id=request_id)
        return found if found is not None and (key is None or found.key_id == key.id) else None

    found = await mine()
    if found is None:
        # The row may still wait in this worker's queue, or be in the batch being written:
        # flushing writes the one and waits for the other, then look again.
        await ops.writer.flush()
        found = await mine()
    if found is None and _could_be_ours(request_id=request_id, retention_days=ops.settings.log_retention_days):
        # Another worker may hold the row in its queue: give it two flush intervals to write it
        # (at most a couple of seconds: a client waits on this).
        await asyncio.sleep(min(2 * ops.settings.log_flush_interval_s, MAX_WAIT_FOR_OTHER_WORKERS_S))
        found = await mine()
    return found


def _could_be_ours(*, request_id: str, retention_days: int) -> bool:
    """Whether the id is a ULID minted within the retention window (a row of it may have been lost)."""
    try:
        minted = ULID.from_str(request_id).datetime
    except ValueError:
        return False
    now = datetime.now(UTC)
    oldest = now - timedelta(days=retention_days) if retention_days > 0 else datetime.min.replace(tzinfo=UTC)
    return oldest <= minted <= now + CLOCK_SKEW


async def _validate(
    *, ops: Ops, runtime: Runtime, logged: LoggedRequest | None, sql: str
) -> tuple[Validation, list[Statement]]:
    # With the original request stored (CALENDY_LOG_PROMPTS=store) the corrected SQL is validated
    # exactly like model output, dry run included; without it only what needs no records.
    original = original_request(logged.request_body) if logged is not None else None
    try:
        if original is not None:
            checked = await asyncio.to_thread(
                check_sql, sql=sql, request=original, schema=runtime.schema, max_steps=ops.settings.shadow_max_steps
            )
            return "records", [item.statement for item in checked]
        return "schema", await asyncio.to_thread(check_sql_without_records, sql=sql, schema=runtime.schema)
    except SqlRejected as exc:
        raise InvalidRequest(
            "corrected_sql failed validation",
            details=[{"field": "corrected_sql", "message": reason, "type": "sql_rejected"} for reason in exc.reasons],
        ) from exc


async def record_feedback(
    *, ops: Ops, runtime: Runtime, feedback: FeedbackRequest, key: KeyInfo | None
) -> FeedbackResponse:
    """Store feedback on an earlier /v1/sql request of the same key, or flagged orphaned.

    An id that names no request of this key is accepted as orphaned when it is a ULID of the
    retention window (the row may have been lost in a crash); otherwise InvalidRequest.
    """
    if feedback.outcome == "corrected" and not (feedback.corrected_sql and feedback.corrected_sql.strip()):
        raise InvalidRequest(
            "corrected_sql is required when the outcome is `corrected`",
            details=[{"field": "corrected_sql", "message": "required for `corrected`", "type": "missing"}],
        )
    logged = await _find(ops=ops, request_id=feedback.request_id, key=key)
    if logged is not None and logged.route != FEEDBACK_ROUTE:
        raise _unknown(feedback.request_id)
    if logged is None and not _could_be_ours(
        request_id=feedback.request_id, retention_days=ops.settings.log_retention_days
    ):
        raise _unknown(feedback.request_id)
    # No row, but an id of the window: its row may have been lost in a crash. Kept, flagged.
    orphaned = logged is None
    validation: Validation | None = None
    statements: list[Statement] = []
    if feedback.corrected_sql is not None:
        validation, statements = await _validate(ops=ops, runtime=runtime, logged=logged, sql=feedback.corrected_sql)
    feedback_id = await store_feedback(
        engine=ops.engine,
        request_id=feedback.request_id,
        key_id=key.id if key is not None else None,
        outcome=feedback.outcome,
        error=feedback.error,
        corrected_sql=feedback.corrected_sql,
        validation=validation,
        corrected_statements=[s.model_dump(mode="json") for s in statements] if statements else None,
        orphaned=orphaned,
    )
    ops.metrics.feedback.labels(outcome=feedback.outcome).inc()
    return FeedbackResponse(
        request_id=feedback.request_id,
        feedback_id=feedback_id,
        validation=validation,
        statements=statements,
        orphaned=orphaned,
    )

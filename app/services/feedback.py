"""POST /v1/feedback as a service: find the request, validate corrected SQL, store the feedback."""

import asyncio
from typing import Any

from pydantic import ValidationError

from app.db.keys import KeyInfo
from app.db.queries import LoggedRequest, find_logged_request, store_feedback
from app.errors import InvalidRequest, SqlRejected
from app.ops.runtime import Ops
from app.ops.schemas import FeedbackRequest, FeedbackResponse
from app.runtime import Runtime
from app.schemas import SqlRequest, Statement
from app.sqlcheck import check_sql, check_sql_without_records

FEEDBACK_ROUTE = "/v1/sql"


def original_request(body: Any) -> SqlRequest | None:
    """The stored /v1/sql body as a request again, or None when it was not stored (prompts redacted)."""
    if not isinstance(body, dict):
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


async def _find(*, ops: Ops, request_id: str) -> LoggedRequest | None:
    found = await find_logged_request(engine=ops.engine, request_id=request_id)
    if found is None:
        # The row may still wait in this worker's queue, or be in the batch being written:
        # flushing writes the one and waits for the other, then look again.
        await ops.writer.flush()
        found = await find_logged_request(engine=ops.engine, request_id=request_id)
    return found


async def _validate(*, ops: Ops, runtime: Runtime, logged: LoggedRequest, sql: str) -> tuple[str, list[Statement]]:
    # With the original request stored (CALENDY_LOG_PROMPTS=store) the corrected SQL is validated
    # exactly like model output, dry run included; without it only what needs no records.
    original = original_request(logged.request_body)
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
    """Store feedback on an earlier /v1/sql request of the same key (InvalidRequest otherwise)."""
    if feedback.outcome == "corrected" and not (feedback.corrected_sql and feedback.corrected_sql.strip()):
        raise InvalidRequest(
            "corrected_sql is required when the outcome is `corrected`",
            details=[{"field": "corrected_sql", "message": "required for `corrected`", "type": "missing"}],
        )
    logged = await _find(ops=ops, request_id=feedback.request_id)
    # Another key's request is reported as unknown: ids must not reveal other clients' traffic.
    if logged is None or logged.route != FEEDBACK_ROUTE or (key is not None and logged.key_id != key.id):
        raise _unknown(feedback.request_id)
    validation: str | None = None
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
    )
    ops.metrics.feedback.labels(outcome=feedback.outcome).inc()
    return FeedbackResponse(
        request_id=feedback.request_id,
        feedback_id=feedback_id,
        validation="records" if validation == "records" else "schema" if validation == "schema" else None,
        statements=statements,
    )

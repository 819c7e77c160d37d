"""The /v1 routes of api.md: /v1/sql, /v1/summary, /v1/feedback."""

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel
from pydantic_core import to_json

from app.api.deps import ApiKeyDep, OpsDep, RuntimeDep, SqlCallDep, SummaryCallDep
from app.api.limits import check_sql_limits, check_summary_limits
from app.ops.llmcall import CallRecorder
from app.schemas import ErrorBody, FeedbackRequest, FeedbackResponse, SqlResponse, SummaryResponse
from app.services.commands import convert_command
from app.services.feedback import record_feedback
from app.services.summaries import summarize_plans


def error_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these statuses, each with api.md's error body."""
    return {status: {"model": ErrorBody, "description": text} for status, text in descriptions.items()}


# The errors every /v1 route can answer (the middleware's: key, size, body time, overload).
COMMON_ERRORS = {
    400: "invalid_request: malformed JSON, or request headers over CALENDY_HTTP_MAX_HEADER_BYTES",
    401: "unauthorized",
    408: "request_timeout: the body did not arrive within CALENDY_HTTP_BODY_TIMEOUT_S",
    413: "payload_too_large",
    422: "invalid_request: a missing or wrong field, or a limit exceeded",
    429: "rate_limited",
    503: "service_unavailable: API keys cannot be checked (the service's database is unreachable), or the worker"
    " has CALENDY_HTTP_LIMIT_CONCURRENCY requests in flight (Retry-After)",
}
_ERRORS = error_responses(
    {
        **COMMON_ERRORS,
        502: "llm_invalid_output or llm_error",
        503: "llm_unavailable, or service_unavailable (the service's database is unreachable, or the worker is at"
        " its cap of requests in flight)",
        504: "llm_timeout",
    }
)
_FEEDBACK_ERRORS = error_responses(
    {
        **COMMON_ERRORS,
        422: "invalid_request: a wrong field, an unknown request_id, or corrected_sql that fails validation",
    }
)

router = APIRouter(tags=["v1"])


def _json_response(model: BaseModel) -> Response:
    """The model as JSON, serialized once by pydantic.

    Returned as a Response, so FastAPI does not validate the model it was just built as again
    (a tenth of a request's CPU); `response_model` still documents the body.
    """
    return Response(to_json(model), media_type="application/json")


@router.post("/v1/sql", response_model=SqlResponse, responses=_ERRORS)
async def post_sql(call: SqlCallDep) -> Response:
    """Turn a natural-language command into validated SQLite statements."""
    check_sql_limits(request=call.body, settings=call.settings)
    call.record.note_sql_request(call.body)
    # The record owns the calls list the recorder fills: calls made before a failure or a cancellation are logged.
    response = await convert_command(
        runtime=call.runtime, request=call.body, request_id=call.request_id, recorder=CallRecorder(call.record.calls)
    )
    call.record.note_sql_response(response)
    return _json_response(response)


@router.post("/v1/summary", response_model=SummaryResponse, responses=_ERRORS)
async def post_summary(call: SummaryCallDep) -> Response:
    """Brief the plans the client selected, in at most 500 characters."""
    check_summary_limits(request=call.body, settings=call.settings)
    call.record.note_summary_request(call.body)
    response = await summarize_plans(
        runtime=call.runtime, request=call.body, request_id=call.request_id, recorder=CallRecorder(call.record.calls)
    )
    call.record.note_summary_response(response)
    return _json_response(response)


@router.post("/v1/feedback", response_model=FeedbackResponse, responses=_FEEDBACK_ERRORS)
async def post_feedback(body: FeedbackRequest, runtime: RuntimeDep, ops: OpsDep, key: ApiKeyDep) -> FeedbackResponse:
    """Report what became of an answer's statements (executed, failed, undone, corrected)."""
    return await record_feedback(ops=ops, runtime=runtime, feedback=body, key=key)

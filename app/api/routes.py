"""The HTTP routes of api.md: /v1/sql, /v1/summary, /healthz."""

from typing import Any

from fastapi import APIRouter

from app.call_log import record_llm_calls
from app.deps import RequestIdDep, RuntimeDep
from app.llm.client import LlmCall
from app.schemas import ErrorBody, SqlRequest, SqlResponse, SummaryRequest, SummaryResponse
from app.services.commands import convert_command
from app.services.summaries import summarize_plans

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "invalid_request: malformed JSON",
        401: "unauthorized",
        413: "payload_too_large",
        422: "invalid_request: a missing or wrong field, or a limit exceeded",
        429: "rate_limited",
        502: "llm_invalid_output or llm_error",
        503: "llm_unavailable",
        504: "llm_timeout",
    }.items()
}

router = APIRouter()


@router.post("/v1/sql", response_model=SqlResponse, responses=_ERRORS, tags=["v1"])
async def post_sql(body: SqlRequest, runtime: RuntimeDep, request_id: RequestIdDep) -> SqlResponse:
    """Turn a natural-language command into validated SQLite statements."""
    calls: list[LlmCall] = []
    try:
        return await convert_command(runtime=runtime, request=body, request_id=request_id, calls=calls)
    finally:
        record_llm_calls(request_id=request_id, route="/v1/sql", calls=calls)


@router.post("/v1/summary", response_model=SummaryResponse, responses=_ERRORS, tags=["v1"])
async def post_summary(body: SummaryRequest, runtime: RuntimeDep, request_id: RequestIdDep) -> SummaryResponse:
    """Brief the plans the client selected, in at most 500 characters."""
    calls: list[LlmCall] = []
    try:
        return await summarize_plans(runtime=runtime, request=body, request_id=request_id, calls=calls)
    finally:
        record_llm_calls(request_id=request_id, route="/v1/summary", calls=calls)


@router.get("/healthz", tags=["ops"])
async def healthz() -> dict[str, str]:
    """Alive."""
    return {"status": "ok"}

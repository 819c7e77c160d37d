"""POST /v1/sql as a service: pick the engine, validate its SQL, shape the response."""

import logging
import time
from functools import partial

import anyio.to_thread

from app.engine_answer import EngineAnswer
from app.errors import LlmUnavailable, SqlRejected
from app.llm.engine import answer_with_llm
from app.ops.llmcall import LlmCall
from app.runtime import Runtime
from app.schemas import SqlRequest, SqlResponse, Usage
from app.sqlcheck import CheckedStatement, check_sql, needs_confirmation

logger = logging.getLogger("calendy.commands")
_LOCAL_DECLINED = "The local engine did not understand this command."


def _run_local(*, runtime: Runtime, request: SqlRequest) -> tuple[EngineAnswer, list[CheckedStatement]] | None:
    answer = runtime.local_engine(request=request)
    if answer is None or answer.status != "ok":
        return (answer, []) if answer is not None else None
    try:
        checked = check_sql(
            sql=answer.sql, request=request, schema=runtime.schema, max_steps=runtime.settings.shadow_max_steps
        )
    except SqlRejected as exc:
        # The local engine's SQL must validate like any model's; a rejection is a bug to see in logs.
        logger.error("local engine produced invalid SQL", extra={"reasons": exc.reasons})
        return None
    return answer, checked


async def convert_command(
    *, runtime: Runtime, request: SqlRequest, request_id: str, calls: list[LlmCall]
) -> SqlResponse:
    """Answer a command with validated statements, from the local engine or the LLM."""
    started = time.perf_counter()
    result = None
    if request.engine in ("auto", "local"):
        records = len(request.todos) + len(request.schedules) + len(request.categories)
        if records > runtime.settings.local_offload_records:
            # Matching thousands of titles takes tens of ms of CPU: keep the event loop free.
            result = await anyio.to_thread.run_sync(partial(_run_local, runtime=runtime, request=request))
        else:
            result = _run_local(runtime=runtime, request=request)
    if result is None and request.engine in ("auto", "llm"):
        if runtime.llm is not None:
            deadline = time.monotonic() + runtime.settings.llm_request_budget_s
            llm_answer = await answer_with_llm(
                runtime=runtime.llm,
                templates=runtime.templates,
                schema=runtime.schema,
                request=request,
                deadline=deadline,
                calls=calls,
            )
            result = (llm_answer.answer, llm_answer.checked)
        elif request.engine == "llm":
            raise LlmUnavailable("no LLM is configured (set OPENAI_API_KEY or OPENAI_BASE_URL)")
    if result is None:
        result = (EngineAnswer(status="not_understood", message=_LOCAL_DECLINED), [])
    answer, checked = result
    llm_ms = sum(call.latency_ms for call in calls)
    total_ms = (time.perf_counter() - started) * 1000
    usage = sum((call.usage for call in calls if call.usage), Usage()) if calls else None
    # The validator's corrections (a date-only upper bound) are the user's to know.
    notes = [note for item in checked for note in item.notes]
    return SqlResponse(
        request_id=request_id,
        status=answer.status,
        intent=answer.intent if answer.status == "ok" else None,
        message=answer.message or ("; ".join(notes) if notes else None),
        statements=[c.statement for c in checked],
        needs_confirmation=needs_confirmation(checked=checked, threshold=runtime.settings.confirm_threshold),
        engine="llm" if answer.engine == "llm" else "local",
        model=answer.model,
        usage=usage,
        timings_ms={
            "total": round(total_ms, 3),
            "llm": round(llm_ms, 3),
            "service": round(total_ms - llm_ms, 3),
        },
    )

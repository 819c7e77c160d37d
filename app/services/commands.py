"""POST /v1/sql as a service: ask the engines, validate their SQL the same way, repair, shape the response."""

import logging
import time
from dataclasses import dataclass, replace
from functools import partial

import anyio.to_thread

from app.engine_answer import EngineAnswer
from app.errors import LlmInvalidOutput, LlmUnavailable, SqlRejected
from app.llm.engine import add_repair_turn, answer_with_llm, start_conversation
from app.ops.llmcall import CallRecorder
from app.schemas import SqlRequest, SqlResponse
from app.services.intent import infer_intent
from app.services.runtime import Runtime
from app.sqlcheck import CheckedStatement, check_sql, needs_confirmation

logger = logging.getLogger("calendy.commands")
_LOCAL_DECLINED = "The local engine did not understand this command."


@dataclass(frozen=True)
class CheckedAnswer:
    """An engine's answer after validation: its SQL as the validator wrote it out, and the statements."""

    answer: EngineAnswer
    checked: list[CheckedStatement]


def validate_answer(*, runtime: Runtime, request: SqlRequest, answer: EngineAnswer) -> CheckedAnswer:
    """Validate an engine's answer with `check_sql` (raises SqlRejected); every engine goes through here."""
    if answer.status != "ok":
        return CheckedAnswer(answer, [])
    checked = check_sql(
        sql=answer.sql, request=request, schema=runtime.schema, max_steps=runtime.settings.shadow_max_steps
    )
    kinds = [c.statement.kind for c in checked]
    validated = replace(
        answer,
        sql=[c.statement.sql for c in checked],
        intent=answer.intent or infer_intent(kinds=kinds, prompt=request.prompt),
    )
    return CheckedAnswer(validated, checked)


def _run_local(*, runtime: Runtime, request: SqlRequest) -> CheckedAnswer | None:
    answer = runtime.local_engine(request=request)
    if answer is None:
        return None
    try:
        return validate_answer(runtime=runtime, request=request, answer=answer)
    except SqlRejected as exc:
        # The local engine's SQL must validate like any model's; a rejection is a bug to see in logs.
        logger.error("local engine produced invalid SQL", extra={"reasons": exc.reasons})
        return None


async def answer_with_repair(
    *, runtime: Runtime, request: SqlRequest, deadline: float, recorder: CallRecorder
) -> CheckedAnswer:
    """The LLM's answer, validated; rejected SQL goes back to the model with the reasons, never to the user."""
    if runtime.llm is None:
        raise LlmUnavailable("no LLM is configured (set OPENAI_API_KEY or OPENAI_BASE_URL)")
    conversation = await start_conversation(runtime=runtime.llm, templates=runtime.templates, request=request)
    reasons: list[str] = []
    for attempt in range(1 + runtime.settings.llm_repair_attempts):
        answer = await answer_with_llm(
            runtime=runtime.llm,
            conversation=conversation,
            deadline=deadline,
            recorder=recorder,
            purpose="sql" if attempt == 0 else "repair",
        )
        try:
            return validate_answer(runtime=runtime, request=request, answer=answer)
        except SqlRejected as exc:
            reasons = exc.reasons
            recorder.reject_last(reasons=reasons)
            add_repair_turn(conversation=conversation, templates=runtime.templates, reasons=reasons)
    raise LlmInvalidOutput("the model's output could not be made into valid SQL", details={"reasons": reasons})


async def convert_command(
    *, runtime: Runtime, request: SqlRequest, request_id: str, recorder: CallRecorder
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
    if result is None and request.engine in ("auto", "llm") and (runtime.llm is not None or request.engine == "llm"):
        deadline = time.monotonic() + runtime.settings.llm_request_budget_s
        result = await answer_with_repair(runtime=runtime, request=request, deadline=deadline, recorder=recorder)
    if result is None:
        result = CheckedAnswer(EngineAnswer(status="not_understood", message=_LOCAL_DECLINED), [])
    answer, checked = result.answer, result.checked
    llm_ms = recorder.latency_ms
    total_ms = (time.perf_counter() - started) * 1000
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
        usage=recorder.usage,
        timings_ms={
            "total": round(total_ms, 3),
            "llm": round(llm_ms, 3),
            "service": round(total_ms - llm_ms, 3),
        },
    )

"""The LLM engine: prompt the model, extract its SQL, validate it, and repair once if needed."""

from dataclasses import dataclass

from app.engine_answer import EngineAnswer
from app.errors import LlmInvalidOutput, SqlRejected
from app.intent import infer_intent
from app.llm.client import LlmRuntime, complete_chat
from app.llm.context import select_records
from app.llm.extract import extract_answer
from app.llm.messages import build_messages
from app.llm.prompts import PromptTemplates, render
from app.ops.llmcall import LlmCall
from app.schemas import SqlRequest, Status, Usage
from app.sqlcheck import CheckedStatement, check_sql
from app.sqlcheck.schema import ClientSchema


@dataclass
class LlmAnswer:
    """The engine's answer with its statements already validated."""

    answer: EngineAnswer
    checked: list[CheckedStatement]


def _bullets(reasons: list[str]) -> str:
    return "\n".join(f"- {reason}" for reason in reasons)


async def answer_with_llm(
    *,
    runtime: LlmRuntime,
    templates: PromptTemplates,
    schema: ClientSchema,
    request: SqlRequest,
    deadline: float,
    calls: list[LlmCall],
) -> LlmAnswer:
    """Ask the model for SQL; SQL that fails validation is never returned, repair included."""
    settings = runtime.settings
    records = select_records(request=request, budget=settings.prompt_title_budget)
    prefix = await runtime.current_prefix()
    messages = build_messages(
        prefix=prefix.messages,
        templates=templates,
        now=request.now,
        records=records,
        history=request.history,
        prompt=request.prompt,
    )
    usage = Usage()
    reasons: list[str] = []
    for attempt in range(1 + settings.llm_repair_attempts):
        result = await complete_chat(
            runtime=runtime,
            messages=messages,
            deadline=deadline,
            purpose="sql" if attempt == 0 else "repair",
            calls=calls,
            prefix=prefix,
        )
        usage = usage + result.usage
        extracted = extract_answer(result.text)
        if extracted.kind != "sql":
            status: Status = "no_such_plan" if extracted.kind == "no_such_plan" else "not_understood"
            answer = EngineAnswer(
                status=status, message=extracted.message, engine="llm", model=result.model, usage=usage
            )
            return LlmAnswer(answer, [])
        try:
            checked = check_sql(sql=extracted.sql, request=request, schema=schema, max_steps=settings.shadow_max_steps)
        except SqlRejected as exc:
            reasons = exc.reasons
            calls[-1].status, calls[-1].error = "rejected", "; ".join(reasons)
            messages = [
                *messages,
                {"role": "assistant", "content": result.text},
                {"role": "user", "content": render(templates.repair, errors=_bullets(reasons))},
            ]
            continue
        intent = infer_intent(kinds=[c.statement.kind for c in checked], prompt=request.prompt)
        sql = [c.statement.sql for c in checked]
        answer = EngineAnswer(status="ok", intent=intent, sql=sql, engine="llm", model=result.model, usage=usage)
        return LlmAnswer(answer, checked)
    raise LlmInvalidOutput("the model's output could not be made into valid SQL", details={"reasons": reasons})

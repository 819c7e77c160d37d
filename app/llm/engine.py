"""The LLM engine: prompt the model and extract its SQL, unvalidated; a rejected answer gets a repair turn.

The command service (`app/services/commands.py`) validates the answer as it validates the local
engine's and owns the repair loop; this module only talks to the model.
"""

from dataclasses import dataclass, field
from typing import Any

from app.engine_answer import EngineAnswer
from app.llm.body import StaticPrefix
from app.llm.client import LlmRuntime, complete_chat
from app.llm.extract import extract_answer
from app.llm.messages import build_messages
from app.llm.prompt_records import select_records
from app.llm.prompts import PromptTemplates, render
from app.ops.llmcall import CallRecorder
from app.schemas import SqlRequest, Status, Usage


@dataclass
class LlmConversation:
    """One command's exchange with the model: the messages so far, their static prefix, the tokens used."""

    messages: list[dict[str, Any]]
    prefix: StaticPrefix
    usage: Usage = field(default_factory=Usage)
    last_reply: str = ""


async def start_conversation(
    *, runtime: LlmRuntime, templates: PromptTemplates, request: SqlRequest
) -> LlmConversation:
    """The first prompt for a command: the static prefix, the records that matter, the history."""
    records = select_records(request=request, budget=runtime.settings.prompt_title_budget)
    prefix = await runtime.current_prefix()
    messages = build_messages(
        prefix=prefix.messages,
        templates=templates,
        now=request.now,
        records=records,
        history=request.history,
        prompt=request.prompt,
    )
    return LlmConversation(messages=messages, prefix=prefix)


async def answer_with_llm(
    *, runtime: LlmRuntime, conversation: LlmConversation, deadline: float, recorder: CallRecorder, purpose: str
) -> EngineAnswer:
    """Ask the model for the next answer of the conversation; its SQL is not validated here."""
    result = await complete_chat(
        runtime=runtime,
        messages=conversation.messages,
        deadline=deadline,
        purpose=purpose,
        recorder=recorder,
        prefix=conversation.prefix,
    )
    conversation.usage = conversation.usage + result.usage
    conversation.last_reply = result.text
    extracted = extract_answer(result.text)
    if extracted.kind != "sql":
        status: Status = "no_such_plan" if extracted.kind == "no_such_plan" else "not_understood"
        return EngineAnswer(
            status=status, message=extracted.message, engine="llm", model=result.model, usage=conversation.usage
        )
    return EngineAnswer(status="ok", sql=[extracted.sql], engine="llm", model=result.model, usage=conversation.usage)


def add_repair_turn(*, conversation: LlmConversation, templates: PromptTemplates, reasons: list[str]) -> None:
    """The one place a repair prompt is built: the rejected reply, then what the validator found."""
    bullets = "\n".join(f"- {reason}" for reason in reasons)
    conversation.messages = [
        *conversation.messages,
        {"role": "assistant", "content": conversation.last_reply},
        {"role": "user", "content": render(templates.repair, errors=bullets)},
    ]

"""The local engine: a deterministic parser for common commands that answers only when sure."""

import logging
import re
from collections.abc import Callable
from dataclasses import replace

from app.engine_answer import EngineAnswer
from app.local.context import Context, Decline, not_understood
from app.local.guard import is_injection, is_off_topic
from app.local.intents import MARK, Action, Command, classify, mask, tidy
from app.local.moves import handle_update
from app.local.newplan import handle_insert
from app.local.reads import handle_read
from app.local.records import records_of
from app.local.time import parse_time
from app.local.typed import reshape
from app.local.writes import handle_completion, handle_convert, handle_delete, handle_recategorize, handle_rename
from app.schemas import SqlRequest

logger = logging.getLogger(__name__)

Handler = Callable[[Context], EngineAnswer]

# "내일 비 오면 회의 취소", "cancel it if it rains": the engine cannot know whether the condition holds.
_CONDITIONAL = re.compile(
    r"(?:^|\s|[가-힣])(?:오|되|하|나|으|가|보|지|않으|끝나)면(?=\s|$)|\b(?:if|unless|in\s+case)\b", re.IGNORECASE
)

HANDLERS: dict[Action, Handler] = {
    "insert": handle_insert,
    "delete": handle_delete,
    "complete": handle_completion,
    "uncomplete": handle_completion,
    "update": handle_update,
    "rename": handle_rename,
    "recategorize": handle_recategorize,
    "to_schedule": handle_convert,
    "to_todo": handle_convert,
    "select": handle_read,
    "summary": handle_read,
}


def _lang(text: str) -> str:
    return "ko" if any("가" <= ch <= "힣" for ch in text) else "en"


def explain(request: SqlRequest) -> tuple[EngineAnswer | None, str]:
    """The answer and, when declined, why (for logs and tests)."""
    prompt = tidy(request.prompt)
    if is_injection(prompt):
        return not_understood(_lang(prompt)), "injection"
    records = records_of(request)
    titles = [p.title for p in records.plans] + [c.title for c in records.categories]
    if is_off_topic(prompt, titles):
        return not_understood(_lang(prompt)), "off-topic"
    if MARK in prompt:
        return None, "the prompt holds the engine's time mark"
    typed = reshape(prompt)
    prompt = typed.prompt
    now = request.now_dt
    time = parse_time(prompt, now)
    if time.unknown:
        return None, f"time words not understood: {time.unknown}"
    spans = time.spans + ((time.anchor_span,) if time.anchor_span else ())
    masked = mask(prompt, spans)
    command = classify(masked)
    if command.compound:
        return None, "several commands in one prompt"
    if _CONDITIONAL.search(prompt):
        return None, "a command under a condition (비 오면, if it rains)"
    if typed.memo is not None and command.action != "insert":
        return None, "a memo with a command other than a new plan"
    verbless_move = _verbless_move(command, masked, time.destination)
    if verbless_move:
        command = replace(command, action="update")
    ctx = Context(prompt=prompt, masked=masked, now=now, time=time, records=records, command=command, memo=typed.memo)
    try:
        answer = HANDLERS[command.action](ctx)
    except Decline as reason:
        return None, f"{command.action}: {reason}"
    if verbless_move and answer.status != "ok":
        return None, "a verbless move naming no plan: maybe a new one"
    return answer, command.action


def _verbless_move(command: Command, masked: str, destination: bool) -> bool:
    """`운동 카테고리 할 일 전부 금요일로`: no verb, ending on where to: a move, as 옮겨 would say."""
    return (
        command.action == "insert"
        and not command.explicit
        and not command.question
        and command.lang == "ko"
        and destination
        and masked.rstrip(" .!~").endswith(MARK)
    )


def answer_locally(*, request: SqlRequest) -> EngineAnswer | None:
    """The local engine's answer, or None when it is not sure (the LLM then answers)."""
    try:
        answer, why = explain(request)
    except Exception:  # a bug here must never cost the request: the LLM answers instead
        logger.exception("local engine failed")
        return None
    if answer is None:
        logger.debug("local engine declined: %s", why)
    return answer

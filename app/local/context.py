"""What every handler of the local engine gets, and the answers it can give."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app.engine_answer import EngineAnswer
from app.local.intents import Command
from app.local.records import Records
from app.schemas import Intent

if TYPE_CHECKING:
    from app.local.time import TimeParse


class Decline(Exception):
    """The engine is not sure: the command goes to the LLM."""


@dataclass(frozen=True)
class Context:
    """One command being answered."""

    prompt: str  # tidied prompt
    masked: str  # prompt with time expressions as §
    now: datetime
    time: "TimeParse"
    records: Records
    command: Command
    memo: str | None = None  # said with the command ("메모: …", "note: …"); only a new plan takes one


def ok(intent: Intent, sql: list[str]) -> EngineAnswer:
    """An answer with statements to run."""
    if not sql:
        raise Decline("no statement")
    return EngineAnswer(status="ok", intent=intent, sql=sql, engine="local")


def no_such_plan(phrase: str, lang: str) -> EngineAnswer:
    """The command names a plan that does not exist."""
    if lang == "ko":
        message = f"'{phrase}'에 해당하는 일정이나 할 일이 없습니다."
    else:
        message = f"No plan matching '{phrase}' was found."
    return EngineAnswer(status="no_such_plan", message=message, engine="local")


def not_understood(lang: str) -> EngineAnswer:
    """The prompt is not a command about plans."""
    if lang == "ko":
        message = "일정이나 할 일에 관한 요청만 처리할 수 있습니다."
    else:
        message = "I can only help with your plans and to-dos."
    return EngineAnswer(status="not_understood", message=message, engine="local")

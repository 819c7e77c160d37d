"""The engine contract: what an engine answers for a command, before validation turns its SQL into statements."""

from dataclasses import dataclass, field
from typing import Protocol

from app.schemas import Intent, SqlRequest, Status, Usage


@dataclass
class EngineAnswer:
    """An engine's answer: a status, an intent and raw SQL statements (not yet validated)."""

    status: Status
    intent: Intent | None = None
    sql: list[str] = field(default_factory=list)
    message: str | None = None
    engine: str = "local"
    model: str | None = None
    usage: Usage | None = None


class LocalEngine(Protocol):
    """An offline engine (`app.local.answer_locally`): an unvalidated answer, or None to decline."""

    def __call__(self, *, request: SqlRequest) -> EngineAnswer | None:
        """Answer the command, or None when not sure."""
        ...

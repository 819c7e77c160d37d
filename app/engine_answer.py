"""What an engine answers for a command, before validation turns its SQL into statements."""

from dataclasses import dataclass, field

from app.schemas import Intent, Status, Usage


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

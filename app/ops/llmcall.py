"""The record of one LLM call: what the request log and the metrics keep of it."""

from dataclasses import dataclass

from app.schemas import Usage


@dataclass
class LlmCall:
    """One LLM call, successful or not: the row the call log keeps."""

    purpose: str
    model: str
    started_at: str
    latency_ms: float = 0.0
    status: str = "ok"
    error: str | None = None
    usage: Usage | None = None
    response_text: str | None = None

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


class CallRecorder:
    """The LLM calls of one request, recorded as they happen.

    The list is shared with the request's log record, so calls made before a failure or a
    cancellation are logged too; the LLM client adds calls, the command service marks a rejection.
    """

    def __init__(self, calls: list[LlmCall] | None = None) -> None:
        self.calls: list[LlmCall] = calls if calls is not None else []

    def start(self, *, purpose: str, model: str, started_at: str) -> LlmCall:
        """A new call, recorded before it is sent."""
        call = LlmCall(purpose=purpose, model=model, started_at=started_at)
        self.calls.append(call)
        return call

    def reject_last(self, *, reasons: list[str]) -> None:
        """The last call answered SQL that failed validation."""
        if self.calls:
            self.calls[-1].status, self.calls[-1].error = "rejected", "; ".join(reasons)

    @property
    def latency_ms(self) -> float:
        """Time spent waiting for the model, over every call."""
        return sum(call.latency_ms for call in self.calls)

    @property
    def usage(self) -> Usage | None:
        """Tokens over every call; None when no call was made."""
        return sum((call.usage for call in self.calls if call.usage), Usage()) if self.calls else None

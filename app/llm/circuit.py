"""A per-process circuit breaker: stop calling an LLM that keeps failing, then try again later."""

import time
from collections.abc import Callable

from app.errors import LlmUnavailable


class CircuitBreaker:
    """Opens after `failures` consecutive failures; half-opens after `reset_s` seconds.

    State lives in one worker process: with several workers each trips on its own, which is
    the intended granularity (a worker that cannot reach the model stops waiting on it).
    """

    def __init__(self, *, failures: int, reset_s: float, clock: Callable[[], float] = time.monotonic):
        self._threshold = failures
        self._reset_s = reset_s
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        """True while calls are refused."""
        if self._opened_at is None:
            return False
        return self._clock() - self._opened_at < self._reset_s

    def check(self) -> None:
        """Raise LlmUnavailable while the circuit is open."""
        if self.is_open:
            raise LlmUnavailable("the LLM is failing; calls are paused", details={"circuit": "open"})

    def record_success(self) -> None:
        """A call went through: close the circuit."""
        self._consecutive = 0
        self._opened_at = None

    def record_failure(self) -> None:
        """A call failed: open the circuit once failures run too long."""
        self._consecutive += 1
        if self._consecutive >= self._threshold:
            self._opened_at = self._clock()

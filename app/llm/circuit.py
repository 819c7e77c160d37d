"""A per-process circuit breaker: stop calling an LLM that keeps failing, then probe it once."""

import time
from collections.abc import Callable

from app.errors import LlmUnavailable


class CircuitBreaker:
    """Opens after `failures` consecutive upstream failures; after `reset_s` admits one probe.

    While the probe is in flight every other call is refused: a model that still hangs then
    holds one request, not every request that arrived after the reset. The probe's success
    closes the circuit, its failure reopens it for another `reset_s`.

    State lives in one worker process: with several workers each trips on its own, which is
    the intended granularity (a worker that cannot reach the model stops waiting on it).
    """

    def __init__(self, *, failures: int, reset_s: float, clock: Callable[[], float] = time.monotonic):
        self._threshold = failures
        self._reset_s = reset_s
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        """True while calls are refused (open, or half-open with its probe in flight)."""
        if self._opened_at is None:
            return False
        return self._probing or self._clock() - self._opened_at < self._reset_s

    def admit(self) -> bool:
        """Raise LlmUnavailable while calls are refused; True when this call is the half-open probe."""
        if self._opened_at is None:
            return False
        if self.is_open:
            raise LlmUnavailable("the LLM is failing; calls are paused", details={"circuit": "open"})
        self._probing = True
        return True

    def record_success(self) -> None:
        """The upstream answered: close the circuit."""
        self._consecutive = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        """The upstream itself failed: open the circuit once failures run too long, or reopen it."""
        self._consecutive += 1
        if self._opened_at is not None or self._consecutive >= self._threshold:
            self._opened_at = self._clock()
        self._probing = False

    def release_probe(self) -> None:
        """The probe ended without a verdict on the upstream (cancelled, or a request-specific
        error): the next call probes instead."""
        self._probing = False

"""Sampling of log rows for floods: at most so many rows a second, the rest only counted."""

import time
from collections.abc import Callable


class RowSampler:
    """Admits at most `per_second` rows a second (0: none); says how many were skipped before each."""

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic):
        self._gap = 1.0 / per_second if per_second > 0 else None
        self._clock = clock
        self._next = 0.0
        self._skipped = 0

    def admit(self) -> int | None:
        """None to skip this row; else the number of rows skipped since the last one admitted."""
        now = self._clock()
        if self._gap is None or now < self._next:
            self._skipped += 1
            return None
        self._next = now + self._gap
        skipped, self._skipped = self._skipped, 0
        return skipped

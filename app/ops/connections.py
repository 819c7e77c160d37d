"""Connection limits of the HTTP server: a header deadline on uvicorn's protocols, and its settings.

uvicorn times out a connection only while it is idle after a response (`timeout_keep_alive`): a
connection that never sends a request, or sends its headers a byte at a time, is held forever
(1,100 of them exhausted 1,024 file descriptors). The protocols here close a connection whose
request headers are not complete `http_header_timeout_s` after it opened or after its last
response. Slow bodies are timed by `BodyLimitMiddleware` (app/api/middleware.py).
"""

import asyncio
import importlib.util
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from app.settings import Settings, get_settings


class HeaderDeadline:
    """Mixin for a uvicorn HTTP protocol: close the connection when no request starts in time."""

    # None: CALENDY_HTTP_HEADER_TIMEOUT_S (the classes `calendy serve` names by import path).
    header_timeout_s: float | None = None
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        timeout = self.header_timeout_s if self.header_timeout_s is not None else get_settings().http_header_timeout_s
        # A new request replaces `cycle` once its headers are complete: the same cycle at the
        # deadline means no request started (nothing sent, or headers still trickling in).
        self._deadline = self.loop.call_later(timeout, self._expire, self.cycle)

    def _expire(self, cycle: Any) -> None:
        if self.cycle is cycle and not self.transport.is_closing():
            self.transport.close()


class DeadlineH11Protocol(HeaderDeadline, H11Protocol):
    """uvicorn's h11 protocol with the header deadline."""


def _httptools_protocol() -> type | None:
    if importlib.util.find_spec("httptools") is None:
        return None
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    return type("DeadlineHttpToolsProtocol", (HeaderDeadline, HttpToolsProtocol), {"__module__": __name__})


# uvicorn's own choice ("auto"): httptools when installed, else h11.
DeadlineHttpToolsProtocol = _httptools_protocol()


def protocol_path() -> str:
    """The import path of the protocol class for uvicorn's `http` option (picklable for workers)."""
    name = "DeadlineHttpToolsProtocol" if DeadlineHttpToolsProtocol is not None else "DeadlineH11Protocol"
    return f"{__name__}:{name}"


def with_header_timeout(base: type, header_timeout_s: float) -> type:
    """A protocol class with its own header deadline (servers in tests)."""
    return type(f"{base.__name__}Timed", (base,), {"header_timeout_s": header_timeout_s})


def uvicorn_limits(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the connection limits in `settings`."""
    return {
        "http": protocol_path(),
        "timeout_keep_alive": settings.http_keep_alive_s,
        "limit_concurrency": settings.http_limit_concurrency or None,
        "h11_max_incomplete_event_size": settings.http_max_header_bytes,
    }

"""Connection limits of the HTTP server: a header deadline and size on uvicorn's protocols, and its settings.

uvicorn times out a connection only while it is idle after a response (`timeout_keep_alive`): a
connection that never sends a request, or sends its headers a byte at a time, is held forever
(1,100 of them exhausted 1,024 file descriptors). The protocols here close a connection whose
request headers are not complete `http_header_timeout_s` after it opened or after its last
response. Slow bodies are timed by `BodyLimitMiddleware` (app/api/middleware.py).

The size of a request head is capped here too, for both protocols: uvicorn's
`h11_max_incomplete_event_size` holds for h11 only, and uvicorn picks httptools when installed.
"""

import asyncio
import importlib.util
import json
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from app.settings import Settings, get_settings


class HeaderDeadline:
    """Mixin for a uvicorn HTTP protocol: close the connection when no request starts in time."""

    # None: CALENDY_HTTP_HEADER_TIMEOUT_S (the classes `calendy serve` names by import path).
    header_timeout_s: float | None = None
    # None: CALENDY_HTTP_MAX_HEADER_BYTES.
    max_header_bytes: int | None = None
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any
    _deadline: asyncio.TimerHandle | None = None
    # The request head being received: its bytes so far, and the last 3 (a terminator may straddle two reads).
    _head_open = True
    _head_bytes = 0
    _head_tail = b""

    def data_received(self, data: bytes) -> None:
        if self._head_open and self._head_too_large(data):
            self._refuse_head()
            return
        super().data_received(data)  # type: ignore[misc]

    def _head_too_large(self, data: bytes) -> bool:
        window = self._head_tail + data
        end = window.find(b"\r\n\r\n")
        if end == -1:
            self._head_bytes += len(data)
            self._head_tail = window[-3:]
        else:
            self._head_bytes += end + 4 - len(self._head_tail)
            self._head_open = False
        return self._head_bytes > self._max_head()

    def _max_head(self) -> int:
        """The largest request head: this class's own, else CALENDY_HTTP_MAX_HEADER_BYTES."""
        return self.max_header_bytes if self.max_header_bytes is not None else get_settings().http_max_header_bytes

    def _refuse_head(self) -> None:
        """400 `invalid_request` with api.md's body, then close: the parser never sees the head."""
        limit = self._max_head()
        body = json.dumps(
            {
                "error": {
                    "code": "invalid_request",
                    "message": f"the request headers are over {limit} bytes",
                    "details": {"field": "headers", "limit": limit},
                }
            }
        ).encode()
        head = (
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        ).encode()
        if not self.transport.is_closing():
            self.transport.write(head + body)
            self.transport.close()

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
        self._head_open, self._head_bytes, self._head_tail = True, 0, b""
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


def with_header_timeout(base: type, header_timeout_s: float, *, max_header_bytes: int | None = None) -> type:
    """A protocol class with its own header deadline and head size (servers in tests)."""
    fields = {"header_timeout_s": header_timeout_s, "max_header_bytes": max_header_bytes}
    return type(f"{base.__name__}Timed", (base,), fields)


def uvicorn_backstop(limit: int) -> int | None:
    """uvicorn's `limit_concurrency` above the service's own cap of `limit` requests in flight.

    uvicorn refuses (plain-text 503) when its connections or its requests reach this number, so
    it must stay above the service's cap, which answers api.md's body; the margin leaves room for
    idle keep-alive connections while keeping the connection count below 1,024 descriptors.
    """
    return limit + max(16, limit // 4) if limit else None


def uvicorn_limits(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the connection limits in `settings`."""
    return {
        "http": protocol_path(),
        "timeout_keep_alive": settings.http_keep_alive_s,
        "limit_concurrency": uvicorn_backstop(settings.http_limit_concurrency),
        # A backstop only: the protocols above refuse a larger head first, with api.md's body.
        "h11_max_incomplete_event_size": settings.http_max_header_bytes + 4096,
    }

"""A minimal HTTP/1.1 keep-alive client connection for the load generator (loopback, plain HTTP).

The load generator shares the machine's two cores with the service it measures, so every
microsecond it spends is taken from the service. An HTTP client library parses and builds far
more than a benchmark needs (aiohttp: ~0.25 ms of CPU per request here; this: a few µs). It sends
one pre-encoded request and reads answers framed by Content-Length, which is all the service and
the fake upstream send; anything else (chunked bodies, a closed connection) is an error.
"""

import asyncio
from typing import cast
from urllib.parse import urlsplit


class WireError(Exception):
    """The answer was not framed as expected, or the connection went away."""


def encode_request(*, method: str, url: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """The bytes of one HTTP/1.1 request to `url` (http only)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"the load generator speaks plain HTTP only, not {url}")
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Connection(asyncio.Protocol):
    """One keep-alive connection: `await exchange(request)` sends it and returns (status, body)."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._body_start = -1
        self._end = 0
        self._status = 0

    @classmethod
    async def open(cls, url: str) -> "Connection":
        """Connect to the host and port of `url`."""
        parts = urlsplit(url)
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(cls, parts.hostname or "127.0.0.1", parts.port or 80)
        return connection

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(WireError(f"connection closed: {exc}"))

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._body_start < 0 and not self._read_head():
            return
        if len(self._buffer) >= self._end and self._waiter is not None and not self._waiter.done():
            body = bytes(self._buffer[self._body_start : self._end])
            del self._buffer[: self._end]
            self._body_start = -1
            self._waiter.set_result((self._status, body))

    def _read_head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
        length = None
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            error = WireError(f"an answer without Content-Length: {head[0]}")
            if self._waiter is not None and not self._waiter.done():
                self._waiter.set_exception(error)
            return False
        self._status = int(head[0].split(" ", 2)[1])
        self._body_start = end + 4
        self._end = self._body_start + length
        return True

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Send one request and wait for its whole answer."""
        if self._transport is None or self._transport.is_closing():
            raise WireError("connection closed")
        if self._buffer:
            # One request at a time: bytes beyond the last answer mean the framing is lost.
            raise WireError(f"{len(self._buffer)} unexpected bytes after the last answer")
        self._waiter = asyncio.get_running_loop().create_future()
        self._transport.write(request)
        return await self._waiter

    def close(self) -> None:
        """Close the connection."""
        if self._transport is not None:
            self._transport.close()

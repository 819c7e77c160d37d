"""A minimal, fast OpenAI-compatible chat server with a fixed latency, for benchmarks (loopback only)."""

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from typing import Any, cast

DEFAULT_CONTENT = "DELETE FROM TODO WHERE id = 12;"
_REASONS = {200: b"OK", 404: b"Not Found", 405: b"Method Not Allowed", 411: b"Length Required"}


def completion_body(content: str, model: str) -> bytes:
    """A chat-completions body as OpenAI sends it, with usage and cached-token details."""
    return json.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {
                "prompt_tokens": 1500,
                "completion_tokens": 12,
                "total_tokens": 1512,
                "prompt_tokens_details": {"cached_tokens": 1280},
            },
        },
        ensure_ascii=False,
    ).encode()


def http_response(status: int, body: bytes) -> bytes:
    """One complete HTTP/1.1 keep-alive response with a JSON body."""
    head = b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % (
        status,
        _REASONS.get(status, b"Error"),
        len(body),
    )
    return head + body


class Upstream:
    """Pre-encoded answers and counters shared by every connection."""

    def __init__(self, *, content: str, model: str, latency_ms: float):
        self.latency_s = latency_ms / 1000
        self.chat = http_response(200, completion_body(content, model))
        self.models = http_response(
            200, json.dumps({"object": "list", "data": [{"id": model, "object": "model"}]}).encode()
        )
        self.not_found = http_response(404, b'{"error": {"message": "not found"}}')
        self.chat_requests = 0
        self.last_chat_body = b"{}"
        # Fault injection (`GET /_bench/fault/<status>`, `/_bench/fault/hang`, `/_bench/fault/off`):
        # chat answers that status, or never answer, until turned off (bench.soak).
        self.fault: int | str | None = None

    def route(self, method: str, path: str, body: bytes) -> tuple[float, bytes]:
        """The delay and the bytes to answer one request with."""
        path = path.split("?", 1)[0]
        if method == "POST" and path.endswith("/chat/completions"):
            self.chat_requests += 1
            self.last_chat_body = body
            if self.fault == "hang":
                return 3600.0, self.chat
            if isinstance(self.fault, int):
                return self.latency_s, http_response(self.fault, b'{"error": {"message": "injected fault"}}')
            return self.latency_s, self.chat
        if method == "GET" and path.startswith("/_bench/fault/"):
            mode = path.rsplit("/", 1)[1]
            self.fault = None if mode == "off" else "hang" if mode == "hang" else int(mode)
            return 0.0, http_response(200, json.dumps({"fault": self.fault}).encode())
        if method == "GET" and path.endswith("/models"):
            return 0.0, self.models
        if method == "GET" and path == "/_bench/last_request":
            return 0.0, http_response(200, self.last_chat_body)
        if method == "GET" and path == "/_bench/stats":
            return 0.0, http_response(200, json.dumps({"chat_requests": self.chat_requests}).encode())
        return 0.0, self.not_found


class UpstreamProtocol(asyncio.Protocol):
    """HTTP/1.1 with Content-Length bodies and keep-alive; no chunked bodies, no pipelining order."""

    def __init__(self, upstream: Upstream, loop: asyncio.AbstractEventLoop):
        self.upstream = upstream
        self.loop = loop
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "chunked" in headers.get("transfer-encoding", ""):
                self._write(http_response(411, b'{"error": {"message": "send a content-length"}}'))
                self.buffer.clear()
                return
            length = int(headers.get("content-length", "0") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            method, path, _ = [*head[0].split(" ", 2), "", ""][:3]
            delay, answer = self.upstream.route(method, path, body)
            after: Callable[[], None] | None = self._close if headers.get("connection", "").lower() == "close" else None
            if delay > 0:
                self.loop.call_later(delay, self._write, answer, after)
            else:
                self._write(answer, after)

    def _write(self, answer: bytes, after: Callable[[], None] | None = None) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)
            if after is not None:
                after()

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def serve(*, host: str, port: int, upstream: Upstream) -> None:
    """Listen until cancelled."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: UpstreamProtocol(upstream, loop), host, port, backlog=4096, reuse_address=True
    )
    print(f"fake upstream listening on http://{host}:{port}/v1", file=sys.stderr, flush=True)
    async with server:
        await server.serve_forever()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def main(argv: list[str] | None = None) -> None:
    """Parse options and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="fixed delay of every chat answer")
    parser.add_argument("--content", default=DEFAULT_CONTENT, help="the assistant message to answer")
    parser.add_argument("--model", default="fake-model")
    args = parser.parse_args(argv)
    upstream = Upstream(content=args.content, model=args.model, latency_ms=args.latency_ms)
    kwargs: dict[str, Any] = {}
    factory = _loop_factory()
    if factory is not None:
        kwargs["loop_factory"] = factory
    try:
        with asyncio.Runner(**kwargs) as runner:
            runner.run(serve(host=args.host, port=args.port, upstream=upstream))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

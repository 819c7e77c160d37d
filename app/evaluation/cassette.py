"""Record and replay of model calls: httpx transports the openai client sends through (file: cassette_file)."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import httpx
from httpx_aiohttp import AiohttpTransport

from app.evaluation.cassette_file import Cassette, body_content, request_key, stored_body, write_cassette

# Response headers not worth keeping: the body is stored decoded, and dates or cookies are noise.
_DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "date", "set-cookie", "connection"}

# The case being answered and its misses: each case runs in its own task, so in its own context.
_case_misses: ContextVar[list[str] | None] = ContextVar("cassette_case_misses", default=None)
_case_id: ContextVar[str | None] = ContextVar("cassette_case_id", default=None)


class CassetteMiss(httpx.TransportError):
    """A replayed request that the cassette does not hold; it is never sent anywhere."""


@contextmanager
def watch_case(case_id: str) -> Iterator[list[str]]:
    """Within the block, requests are labelled with the case and its cassette misses collected."""
    misses: list[str] = []
    misses_token, case_token = _case_misses.set(misses), _case_id.set(case_id)
    try:
        yield misses
    finally:
        _case_misses.reset(misses_token)
        _case_id.reset(case_token)


def canonical_request(*, method: str, path: str, content: bytes) -> dict[str, Any]:
    """The parts of a request that decide its answer: method, relative path, parsed body."""
    try:
        body: Any = json.loads(content) if content else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = content.decode("utf-8", errors="replace")
    return {"method": method.upper(), "path": path, "body": body}


class _CassetteTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, base_url: str) -> None:
        self._base_path = httpx.URL(base_url).path.rstrip("/")

    async def _canonical(self, request: httpx.Request) -> dict[str, Any]:
        path = request.url.path
        # Keyed relative to the API's base URL, so a cassette replays against any host or prefix.
        if self._base_path and path.startswith(self._base_path + "/"):
            path = path[len(self._base_path) :]
        return canonical_request(method=request.method, path=path, content=await request.aread())


class RecordingTransport(_CassetteTransport):
    """Sends through a real transport and keeps every exchange; `save` writes the cassette."""

    def __init__(self, *, base_url: str, model: str, inner: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(base_url=base_url)
        # The production model client's transport (openai's aiohttp option), so a recording sees what the service sees.
        self._inner = inner or AiohttpTransport()
        self._model = model
        self._exchanges: dict[str, dict[str, Any]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward the request, store the exchange, and hand back the response."""
        canonical = await self._canonical(request)
        response = await self._inner.handle_async_request(request)
        try:
            content = await response.aread()
        finally:
            await response.aclose()
        headers = {k: v for k, v in response.headers.items() if k.lower() not in _DROPPED_HEADERS}
        key = request_key(canonical)
        # A later answer to the same request (a retry after a 429 or 5xx) replaces the earlier one.
        self._exchanges[key] = {
            "key": key,
            "case": _case_id.get(),
            "request": canonical,
            "response": {"status": response.status_code, "headers": headers, **stored_body(content)},
        }
        return httpx.Response(response.status_code, headers=headers, content=content, request=request)

    @property
    def exchanges(self) -> int:
        """How many distinct requests were recorded."""
        return len(self._exchanges)

    def save(self, path: Path) -> None:
        """Write the recorded exchanges to the cassette file."""
        write_cassette(path, model=self._model, exchanges=list(self._exchanges.values()))

    async def aclose(self) -> None:
        """Close the real transport."""
        await self._inner.aclose()


class ReplayTransport(_CassetteTransport):
    """Answers from a cassette only; a request it does not hold raises CassetteMiss and is listed."""

    def __init__(self, *, cassette: Cassette, base_url: str) -> None:
        super().__init__(base_url=base_url)
        self._cassette = cassette
        self.misses: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The recorded response of this request, or CassetteMiss."""
        key = request_key(await self._canonical(request))
        exchange = self._cassette.exchanges.get(key)
        if exchange is None:
            self.misses.append(key)
            case_misses = _case_misses.get()
            if case_misses is not None:
                case_misses.append(key)
            raise CassetteMiss(f"request {key[:12]} is not in the cassette", request=request)
        recorded = exchange["response"]
        return httpx.Response(
            recorded["status"], headers=recorded["headers"], content=body_content(recorded), request=request
        )

"""The service as the client sees it: /v1/sql, /v1/summary, /v1/feedback over HTTP or in-process."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx


class ServiceError(Exception):
    """A non-200 answer of the service (api.md's error table), or the service unreachable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ServiceClient:
    """Posts the client's requests; any httpx client (a URL, or the app in-process) carries them."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._http.post(path, json=body)
        except httpx.HTTPError as exc:
            raise ServiceError("unreachable", f"the service did not answer ({exc.__class__.__name__})") from exc
        try:
            payload: dict[str, Any] = response.json()
        except ValueError as exc:
            raise ServiceError(f"http_{response.status_code}", "the service answered without JSON") from exc
        if response.status_code != 200:
            error = payload.get("error") or {}
            raise ServiceError(str(error.get("code", f"http_{response.status_code}")), str(error.get("message", "")))
        return payload

    async def sql(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/sql."""
        return await self._post("/v1/sql", body)

    async def summary(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/summary."""
        return await self._post("/v1/summary", body)

    async def feedback(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/feedback."""
        return await self._post("/v1/feedback", body)

    async def help(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/help."""
        return await self._post("/v1/help", body)


@asynccontextmanager
async def remote_service(*, url: str, api_key: str | None, timeout_s: float = 60.0) -> AsyncIterator[ServiceClient]:
    """The service at `url`, with the API key as a bearer token."""
    headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
    async with httpx.AsyncClient(base_url=url.rstrip("/"), headers=headers, timeout=timeout_s) as http:
        yield ServiceClient(http)


@asynccontextmanager
async def in_process_service(app: Any) -> AsyncIterator[ServiceClient]:
    """The service app in this process (its lifespan run here): the same routes, no socket."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://calendy.local", timeout=60.0) as http:
            yield ServiceClient(http)

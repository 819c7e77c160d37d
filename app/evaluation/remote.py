"""Answering evaluation cases through a running service: POST /v1/sql over HTTP."""

import os
from typing import Any

import httpx

from app.evaluation.cases import request_from_case
from app.evaluation.runner import Answer, AnswerCase
from app.schemas import Usage

API_KEY_ENV = "CALENDY_API_KEY"


def open_service_client(
    *, url: str, api_key: str | None, transport: httpx.AsyncBaseTransport | None = None, timeout_s: float = 120.0
) -> httpx.AsyncClient:
    """An HTTP client for the service at `url`, sending the API key (or $CALENDY_API_KEY) as a bearer token."""
    key = api_key or os.environ.get(API_KEY_ENV)
    headers = {"authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(base_url=url.rstrip("/"), headers=headers, timeout=timeout_s, transport=transport)


def _error_code(response: httpx.Response) -> str:
    """The `error.code` of an error body (api.md), else the HTTP status."""
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return f"http_{response.status_code}"
    return str(code)


def remote_answerer(*, client: httpx.AsyncClient, engine: str) -> AnswerCase:
    """Answer cases by posting them to the service; an error response is an answer with its code."""

    async def answer(case: dict[str, Any]) -> Answer:
        try:
            response = await client.post("/v1/sql", json=request_from_case(case, engine=engine))
        except httpx.HTTPError as exc:
            return Answer(error=f"unreachable ({exc.__class__.__name__})")
        if response.status_code != 200:
            return Answer(error=_error_code(response))
        body = response.json()
        return Answer(
            status=body["status"],
            statements=[s["sql"] for s in body.get("statements", [])],
            engine=body.get("engine"),
            usage=Usage.model_validate(body.get("usage") or {}),
        )

    return answer

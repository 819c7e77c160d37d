"""Bad requests get a 4xx with the error body of api.md, never a 500."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.main import create_app
from tests.conftest import make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


BAD_BODIES = [
    (without(sql_request("x"), "now"), "now"),
    (without(sql_request("x"), "prompt"), "prompt"),
    (sql_request("x", now="2023-11-23T20:25:39"), "now"),
    (sql_request("x", now="2023-11-31 20:25:39"), "now"),
    (sql_request("x" * 10_001), "prompt"),
    (sql_request("x" * 1001), "prompt"),
    (sql_request("   "), "prompt"),
    (sql_request("x", engine="gpt"), "engine"),
    (sql_request("x", locale="fr"), "locale"),
    (sql_request("x", history=[{"prompt": "p", "statements": []}] * 6), "history"),
    (sql_request("x", categories=[{"id": 1, "title": "a"}, {"id": 1, "title": "b"}]), "body"),
    (sql_request("x", todos=[{"id": 1, "title": "a", "due_time": "2023-11-24 9:00"}]), "todos.0.due_time"),
    (sql_request("x", todos=[{"id": "one", "title": "a"}]), "todos.0.id"),
    (sql_request("x", schedules=[{"id": 1}]), "schedules.0.title"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
async def test_invalid_fields(offline_client: httpx.AsyncClient, body: dict[str, Any], field: str) -> None:
    response = await offline_client.post("/v1/sql", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in [detail["field"] for detail in error["details"]]


async def test_prompt_of_1000_chars_after_trimming_is_accepted(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/sql", json=sql_request("  " + "가" * 1000 + "  ", engine="local"))
    assert response.status_code == 200


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2"])
async def test_malformed_json(offline_client: httpx.AsyncClient, raw: bytes) -> None:
    response = await offline_client.post("/v1/sql", content=raw, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] == "invalid_request"


async def test_body_over_limit() -> None:
    async for client in open_client(make_settings(max_body_bytes=2048)):
        response = await client.post("/v1/sql", json=sql_request("x" * 900, memo="y" * 3000))
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"


async def test_unknown_route_and_method(offline_client: httpx.AsyncClient) -> None:
    missing = await offline_client.get("/v2/nothing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = await offline_client.get("/v1/sql")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


async def test_summary_bad_request(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/summary", json={"plans": []})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "now"


async def test_healthz(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_chunked_body_over_limit() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b" " * 512

    async for client in open_client(make_settings(max_body_bytes=2048)):
        response = await client.post("/v1/sql", content=chunks(), headers={"content-type": "application/json"})
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
        assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("application/json", 200),
        ("application/json; charset=utf-8", 200),
        ("Application/JSON", 200),
        ("application/vnd.calendy+json", 200),
        (None, 422),
        ("text/plain", 422),
        ("application/x-www-form-urlencoded", 422),
        ("multipart/form-data; boundary=x", 422),
    ],
)
async def test_body_content_type(offline_client: httpx.AsyncClient, content_type: str | None, status: int) -> None:
    headers = {"content-type": content_type} if content_type else {}
    raw = json.dumps(sql_request("내일 오후 3시 치과 추가", engine="local")).encode()
    response = await offline_client.post("/v1/sql", content=raw, headers=headers)
    assert response.status_code == status
    if status == 422:
        assert response.json()["error"]["details"][0]["field"] == "body"


async def test_a_body_with_a_utf8_byte_order_mark_is_read(offline_client: httpx.AsyncClient) -> None:
    raw = b"\xef\xbb\xbf" + json.dumps(sql_request("내일 오후 3시 치과 추가", engine="local")).encode()
    response = await offline_client.post("/v1/sql", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 200


async def test_an_empty_body_is_missing_whatever_its_type(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/sql", content=b"", headers={"content-type": "text/plain"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["type"] == "missing"


@pytest.mark.parametrize("path", ["/v1/sql", "/v1/summary"])
async def test_a_client_gone_mid_body_gets_a_400_not_a_500(path: str) -> None:
    app = create_app(settings=make_settings(llm_api_key=None, llm_base_url=None))
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": b'{"prompt": "x", ', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "client": ("10.0.0.1", 5),
        "server": ("service.test", 80), "headers": [(b"content-type", b"application/json"), (b"host", b"service.test")],
    }  # fmt: skip
    async with app.router.lifespan_context(app):
        await app(scope, receive, send)  # raises nothing: no "unhandled error", no 500
    (start,) = [message for message in sent if message["type"] == "http.response.start"]
    assert start["status"] == 400

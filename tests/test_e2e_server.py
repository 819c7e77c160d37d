"""End to end over a real HTTP server (uvicorn on loopback), the LLM mocked at its transport."""

from collections.abc import Iterator

import httpx
import pytest
import respx

from app.main import create_app
from tests.conftest import LLM_BASE_URL, completion, make_settings, sql_request
from tests.model_mock import mock_model
from tests.servers import serve_in_thread


@pytest.fixture
def server() -> Iterator[tuple[str, respx.MockRouter]]:
    """A uvicorn server in a thread; the upstream LLM mocked, loopback traffic passed through."""
    with mock_model(assert_all_called=False) as mock:
        mock.route(host="127.0.0.1").pass_through()
        with serve_in_thread(create_app(settings=make_settings())) as base:
            yield base, mock


def test_real_server_round_trip(server: tuple[str, respx.MockRouter]) -> None:
    base, mock = server
    mock.post(f"{LLM_BASE_URL}/chat/completions").respond(
        json=completion("```sql\nUPDATE SCHEDULE SET start_time = '2023-11-26 12:00:00', "
                        "end_time = '2023-11-26 13:00:00' WHERE id = 1;\n```")
    )  # fmt: skip
    with httpx.Client(base_url=base, timeout=10) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        response = client.post("/v1/sql", json=sql_request("신영이랑 밥먹기 일요일로 옮겨줘", engine="llm"))
        assert response.status_code == 200, response.text
        [statement] = response.json()["statements"]
        assert statement["destructive"] is True
        assert statement["ids"] == [1]
        assert statement["preview_sql"] == "SELECT * FROM SCHEDULE WHERE id = 1"
        bad = client.post("/v1/sql", content=b"{", headers={"content-type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_request"
        spec = client.get("/openapi.json").json()
        assert {"/v1/sql", "/v1/summary", "/healthz"} <= set(spec["paths"])

"""The circuit breaker: only upstream failures open it, half-open admits one probe, no provider text leaks."""

import asyncio

import httpx
import pytest
import respx

from app.errors import LlmUnavailable
from app.llm.circuit import CircuitBreaker
from tests.conftest import completion, make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio

TOO_LONG = {
    "error": {
        "message": "This model's maximum context length is 128000 tokens.",
        "type": "invalid_request_error",
        "code": "context_length_exceeded",
    }
}


async def test_request_specific_4xx_does_not_open_the_circuit(llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions")
    route.side_effect = [httpx.Response(400, json=TOO_LONG)] * 5 + [
        httpx.Response(200, json=completion("DELETE FROM TODO WHERE id = 12;"))
    ]
    async for client in open_client(make_settings(llm_circuit_failures=2, llm_circuit_reset_s=60)):
        for _ in range(5):
            bad = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
            assert bad.status_code == 502 and bad.json()["error"]["details"] == {"status": 400}
        good = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
        assert good.status_code == 200, good.text
        assert route.call_count == 6


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_upstream_failures_open_the_circuit(llm_mock: respx.MockRouter, status: int) -> None:
    route = llm_mock.post("/chat/completions").respond(status, json={"error": {"message": "down"}})
    async for client in open_client(make_settings(llm_circuit_failures=2, llm_circuit_reset_s=60)):
        codes = [
            (await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))).json()["error"]["code"]
            for _ in range(3)
        ]
        assert codes[2] == "llm_unavailable" and route.call_count == 2


async def test_half_open_admits_one_probe(llm_mock: respx.MockRouter) -> None:
    calls = 0

    async def upstream(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(500, json={"error": {"message": "down"}})
        await asyncio.sleep(0.5)  # the model is slow to recover
        return httpx.Response(200, json=completion("DELETE FROM TODO WHERE id = 12;"))

    llm_mock.post("/chat/completions").mock(side_effect=upstream)
    async for client in open_client(make_settings(llm_circuit_failures=1, llm_circuit_reset_s=0.2)):
        body = sql_request("줄넘기 삭제", engine="llm")
        assert (await client.post("/v1/sql", json=body)).status_code == 502
        await asyncio.sleep(0.3)
        answers = await asyncio.gather(*(client.post("/v1/sql", json=body) for _ in range(10)))
        assert sorted(a.status_code for a in answers) == [200] + [503] * 9
        assert calls == 2
        after = await client.post("/v1/sql", json=body)  # the probe succeeded: closed again
        assert after.status_code == 200 and calls == 3


async def test_provider_text_does_not_reach_clients(llm_mock: respx.MockRouter) -> None:
    secret = "Incorrect API key provided: sk-proj-abcd****wxyz. You can find your API key at ..."
    llm_mock.post("/chat/completions").respond(401, json={"error": {"message": secret, "code": "invalid_api_key"}})
    async for client in open_client(make_settings()):
        response = await client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="llm"))
        error = response.json()["error"]
        assert (response.status_code, error["code"], error["details"]) == (502, "llm_error", {"status": 401})
        assert "sk-proj" not in response.text and "API key" not in response.text


def test_a_probe_that_fails_reopens_and_one_released_lets_the_next_call_probe() -> None:
    now = [0.0]
    circuit = CircuitBreaker(failures=1, reset_s=10, clock=lambda: now[0])
    assert circuit.admit() is False
    circuit.record_failure()
    with pytest.raises(LlmUnavailable):
        circuit.admit()
    now[0] = 11
    assert circuit.admit() is True
    with pytest.raises(LlmUnavailable):
        circuit.admit()  # the probe is in flight
    circuit.release_probe()  # e.g. the probe's client went away
    assert circuit.admit() is True
    circuit.record_failure()
    now[0] = 20
    with pytest.raises(LlmUnavailable):
        circuit.admit()  # reopened at 11 for another 10 s
    now[0] = 21.5
    assert circuit.admit() is True
    circuit.record_success()
    assert circuit.admit() is False and not circuit.is_open

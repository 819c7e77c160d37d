"""POST /v1/help with the help model: answers with checked links, abstains, and logs its calls."""

import json

import httpx
import pytest
import respx

from app.help.answer import check_reply
from app.services.help import GUIDE_DIR, served_sections
from tests.conftest import completion, fetch_rows

pytestmark = pytest.mark.anyio
SERVED = set(served_sections(GUIDE_DIR))


def _user_message(route: respx.Route) -> str:
    messages = json.loads(route.calls.last.request.content)["messages"]
    return str(messages[-1]["content"])


async def test_answer_links_the_undo_section_and_is_logged(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter
) -> None:
    reply = "명령을 실행한 뒤 '실행 취소'라고 하면 됩니다. [확인과 실행 취소](/docs/guide/ko#undo)"
    route = llm_mock.post("/chat/completions").mock(return_value=httpx.Response(200, json=completion(reply)))
    response = await client.post("/v1/help", json={"question": "실행 취소는 어떻게 해?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["abstained"] is False and body["engine"] == "llm" and body["model"] == "gpt-test"
    assert body["sources"] == [{"title": "확인과 실행 취소", "url": "/docs/guide/ko#undo"}]
    assert "[확인과 실행 취소](/docs/guide/ko#undo)" in body["answer"]
    assert body["usage"]["prompt_tokens"] == 120
    # The retrieved section, with its link, is what the model was given.
    assert "Link: /docs/guide/ko#undo" in _user_message(route)
    [call] = await fetch_rows("llm_call_log", request_id=body["request_id"])
    assert call["purpose"] == "help" and call["status"] == "ok" and call["model"] == "gpt-test"
    [row] = await fetch_rows("request_log", request_id=body["request_id"])
    assert row["route"] == "/v1/help" and row["engine"] == "llm" and row["status"] == "ok"
    assert row["prompt_chars"] == len("실행 취소는 어떻게 해?") and row["llm_calls"] == 1


async def test_nothing_retrieved_abstains_without_a_model_call(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter
) -> None:
    route = llm_mock.post("/chat/completions").mock(return_value=httpx.Response(200, json=completion("x")))
    body = (await client.post("/v1/help", json={"question": "비트코인 시세 알려줘"})).json()
    assert body["abstained"] is True and body["sources"] == [] and body["engine"] == "docs"
    assert route.call_count == 0


async def test_model_saying_not_covered_abstains(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    llm_mock.post("/chat/completions").mock(return_value=httpx.Response(200, json=completion("NOT_COVERED")))
    body = (await client.post("/v1/help", json={"question": "Can I undo a command in Slack on my watch?"})).json()
    assert body["abstained"] is True and body["sources"] == [] and body["engine"] == "llm"
    assert "does not cover" in body["answer"]


async def test_an_invented_link_is_stripped(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    reply = (
        "Say 'undo' right after a command ([Undo](/docs/guide/en#undo)). Plans cost $5, see "
        "[Pricing](/docs/guide/en#pricing) or https://calendy.example.com/pricing."
    )
    llm_mock.post("/chat/completions").mock(return_value=httpx.Response(200, json=completion(reply)))
    body = (await client.post("/v1/help", json={"question": "How do I undo a command?"})).json()
    assert body["abstained"] is False
    assert "calendy.example.com" not in body["answer"] and "#pricing" not in body["answer"]
    assert [s["url"] for s in body["sources"]] == ["/docs/guide/en#undo"]


async def test_a_failing_model_falls_back_to_the_sections(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter
) -> None:
    llm_mock.post("/chat/completions").mock(return_value=httpx.Response(500, json={"error": {"message": "down"}}))
    body = (await client.post("/v1/help", json={"question": "How do I undo a command?"})).json()
    assert body["abstained"] is False and body["engine"] == "docs"
    assert body["sources"][0]["url"] == "/docs/guide/en#undo"
    [call] = await fetch_rows("llm_call_log", request_id=body["request_id"])
    assert call["purpose"] == "help" and call["status"] == "llm_error"


def test_check_reply_keeps_served_links_and_strips_the_rest() -> None:
    text = "See /docs/guide/ko#undo. Also http://service.test/docs/guide/en#privacy and www.example.com/x, [a](/docs/x)"
    reply = check_reply(text=text, served=SERVED)
    assert reply.cited == ["/docs/guide/ko#undo", "/docs/guide/en#privacy"]
    assert reply.stripped == ["www.example.com/x", "/docs/x"]
    assert "example.com" not in reply.text and "/docs/x" not in reply.text and "[a]" not in reply.text
    assert "/docs/guide/en#privacy" in reply.text and "service.test" not in reply.text


def test_check_reply_abstains_on_not_covered_or_nothing_left() -> None:
    assert check_reply(text="NOT_COVERED", served=SERVED).abstained
    assert check_reply(text="https://invented.example.com/answer", served=SERVED).abstained

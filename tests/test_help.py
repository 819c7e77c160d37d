"""POST /v1/help with no LLM configured answers from the user guide with links, or abstains; the guide is HTML."""

import re

import httpx
import pytest

from app.help.guide import load_guide
from app.services.help import GUIDE_DIR

pytestmark = pytest.mark.anyio

SECTION_URLS = {s.url for _, sections in load_guide(GUIDE_DIR).values() for s in sections}


async def test_undo_question_links_the_undo_section(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/help", json={"question": "실행 취소는 어떻게 해?"})
    assert response.status_code == 200
    body = response.json()
    assert body["abstained"] is False and body["engine"] == "docs"
    assert body["sources"][0]["url"] == "/docs/guide/ko#undo"
    assert {source["url"] for source in body["sources"]} <= SECTION_URLS


async def test_english_question_links_the_english_guide(offline_client: httpx.AsyncClient) -> None:
    body = (await offline_client.post("/v1/help", json={"question": "what does the service store about me?"})).json()
    assert body["sources"][0]["url"] == "/docs/guide/en#privacy"


async def test_off_topic_question_abstains_without_sources(offline_client: httpx.AsyncClient) -> None:
    body = (await offline_client.post("/v1/help", json={"question": "비트코인 시세 알려줘"})).json()
    assert body["abstained"] is True and body["sources"] == []


async def test_empty_question_is_invalid_request(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.post("/v1/help", json={"question": ""})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


async def test_guide_is_html_with_an_anchor_per_section(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.get("/docs/guide/ko")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    anchors = set(re.findall(r'<h2 id="([a-z0-9-]+)">', response.text))
    assert anchors == {url.split("#")[1] for url in SECTION_URLS if "/ko#" in url}
    assert "{#" not in response.text


def test_a_docs_answer_reads_as_sentences_not_the_guides_hard_wrapped_lines() -> None:
    from app.services.help import unwrap

    wrapped = "A change of many plans\nasks first.\n\n- **Add**: one item\n  that wraps.\n- **Move**: two"
    assert unwrap(wrapped) == "A change of many plans asks first.\n\n- **Add**: one item that wraps.\n- **Move**: two"

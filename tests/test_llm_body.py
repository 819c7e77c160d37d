"""The chat body encoder (the same bytes as the openai client's own JSON, prefix reused or not) and chat URL."""

import json

import pytest
from openai._models import FinalRequestOptions
from openai._utils._json import openapi_dumps

from app.llm.body import StaticPrefix, encode_chat_body
from app.llm.client import LlmRuntime, build_llm_client
from tests.conftest import make_settings

PREFIX = [{"role": "system", "content": '규칙 "quoted"\n'}, {"role": "user", "content": "예시 ✓"}]
TAIL = [{"role": "user", "content": "내일 8시 알골 과제 추가"}]


@pytest.mark.parametrize("max_tokens", [None, 300])
def test_same_bytes_as_openai_with_and_without_the_prefix(max_tokens: int | None) -> None:
    prefix = StaticPrefix.of(PREFIX)
    messages = [*prefix.messages, *TAIL]
    expected: dict[str, object] = {"model": "gpt-x", "messages": messages, "temperature": 0}
    if max_tokens:
        expected["max_tokens"] = max_tokens
    with_prefix = encode_chat_body(model="gpt-x", messages=messages, prefix=prefix, max_tokens=max_tokens)
    without = encode_chat_body(model="gpt-x", messages=messages, max_tokens=max_tokens)
    assert with_prefix == without == openapi_dumps(expected)


def test_messages_not_starting_with_the_prefix_are_encoded_in_full() -> None:
    prefix = StaticPrefix.of(PREFIX)
    # Equal text but other dicts (a copy): the encoder does not trust them to be the prefix.
    copied = [dict(message) for message in PREFIX]
    copied[0]["content"] = "changed"
    body = json.loads(encode_chat_body(model="m", messages=[*copied, *TAIL], prefix=prefix))
    assert body["messages"][0]["content"] == "changed"
    assert json.loads(encode_chat_body(model="m", messages=TAIL, prefix=prefix))["messages"] == TAIL


def test_empty_prefix() -> None:
    body = encode_chat_body(model="m", messages=TAIL, prefix=StaticPrefix.of([]))
    assert json.loads(body) == {"model": "m", "messages": TAIL, "temperature": 0}


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1/", "https://api.openai.com/v1", "http://ollama:11434/"],
)
def test_chat_url_is_where_the_client_would_send_a_relative_path(base_url: str) -> None:
    settings = make_settings(llm_base_url=base_url, llm_api_key="sk-test", llm_model="m")
    client = build_llm_client(settings)
    assert client is not None
    runtime = LlmRuntime(client=client, settings=settings)
    request = client._build_request(FinalRequestOptions.construct(method="post", url="/chat/completions"))
    assert runtime.chat_url == str(request.url)
    assert runtime.chat_url.endswith("/chat/completions") and "//chat" not in runtime.chat_url

"""Shared fixtures: settings for tests, a mocked OpenAI-compatible upstream, an in-process client."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from app.main import create_app
from app.settings import Settings

LLM_BASE_URL = "http://llm.test/v1"
DEVSET = Path(__file__).resolve().parents[1].parent / "shared" / "devset" / "devset.jsonl"

CONTEXT: dict[str, Any] = {
    "categories": [{"id": 1, "title": "과제"}, {"id": 2, "title": "운동"}],
    "todos": [
        {"id": 11, "title": "컴퓨터 구조 과제", "due_time": "2023-11-24 23:59:59", "category_id": 1, "complete": False},
        {"id": 12, "title": "줄넘기", "due_time": "2023-11-25 19:00:00", "category_id": 2, "complete": False},
    ],
    "schedules": [
        {"id": 1, "title": "신영이랑 밥먹기", "start_time": "2023-11-25 12:00:00",
         "end_time": "2023-11-25 13:00:00", "category_id": None},
    ],
}  # fmt: skip


def make_settings(**overrides: Any) -> Settings:
    """Settings isolated from the machine's environment and .env file."""
    values: dict[str, Any] = {
        "llm_api_key": "sk-test",
        "llm_base_url": LLM_BASE_URL,
        "llm_model": "gpt-test",
        "llm_max_retries": 0,
        "llm_timeout_s": 5.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def completion(
    content: str, *, prompt_tokens: int = 120, completion_tokens: int = 30, cached: int = 0
) -> dict[str, Any]:
    """A chat-completions response body as OpenAI sends it."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached},
        },
    }


def sql_request(prompt: str, **extra: Any) -> dict[str, Any]:
    """A /v1/sql body with the shared context."""
    return {"prompt": prompt, "now": "2023-11-23 20:25:39", **CONTEXT, **extra}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def llm_mock() -> Iterator[respx.MockRouter]:
    """The OpenAI-compatible upstream, mocked at the transport: the real openai client sends HTTP."""
    with respx.mock(base_url=LLM_BASE_URL, assert_all_called=False) as mock:
        yield mock


async def open_client(settings: Settings, **app_kwargs: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to the app in-process, with the app's lifespan run."""
    app = create_app(settings=settings, **app_kwargs)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
            yield client


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The service with an LLM configured (tests mock it with `llm_mock`)."""
    async for c in open_client(make_settings()):
        yield c


@pytest.fixture
async def offline_client() -> AsyncIterator[httpx.AsyncClient]:
    """The service with no LLM configured."""
    async for c in open_client(make_settings(llm_api_key=None, llm_base_url=None)):
        yield c

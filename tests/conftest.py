"""Shared fixtures: settings for tests, a mocked OpenAI-compatible upstream, an in-process client."""

import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from app.main import create_app
from app.settings import Settings, get_settings
from tests.model_mock import mock_model

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


# A real PostgreSQL for the whole suite when set (.ci/run sets it); SQLite in a temp dir otherwise.
TEST_DATABASE_URL_ENV = "CALENDY_TEST_DATABASE_URL"


_DATA_DIR_ENV = "CALENDY_TESTS_TMP_DIR"

# Every server a test talks to is on loopback: a developer's proxy settings must not reroute it.
for _proxy_variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_proxy_variable, None)


def test_data_dir() -> Path:
    """One temporary data directory for the session (its SQLite database is migrated once).

    Kept in the environment, not a module global: pytest loads this file as `conftest` and the
    tests import it again as `tests.conftest`, and both must see the same directory.
    """
    if _DATA_DIR_ENV not in os.environ:
        path = tempfile.mkdtemp(prefix="calendy-test-")
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        os.environ[_DATA_DIR_ENV] = path
    return Path(os.environ[_DATA_DIR_ENV])


def test_database_url() -> str:
    """The database every test app shares: PostgreSQL when given, else the session's SQLite file."""
    return os.environ.get(TEST_DATABASE_URL_ENV) or f"sqlite:///{test_data_dir() / 'calendy.db'}"


def make_settings(**overrides: Any) -> Settings:
    """Settings isolated from the machine's environment and .env file.

    Authentication is off (the API tests are about the API; tests/test_auth_*.py turn it on)
    and the service's database is the session's test database.
    """
    values: dict[str, Any] = {
        "llm_api_key": "sk-test",
        "llm_base_url": LLM_BASE_URL,
        "llm_model": "gpt-test",
        "llm_max_retries": 0,
        "llm_timeout_s": 5.0,
        "auth_disabled": True,
        "gc_freeze": False,
        "gc_thresholds": None,
        "data_dir": test_data_dir(),
        "database_url": test_database_url(),
        "log_flush_interval_s": 0.05,
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


@pytest.fixture(scope="session", autouse=True)
def migrated_test_database() -> None:
    """Bring the session's database to the newest migration once, before any test uses it."""
    from app.db.migrate import upgrade_database

    upgrade_database(make_settings())


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def llm_mock() -> Iterator[respx.MockRouter]:
    """The OpenAI-compatible upstream, mocked under the production client (tests/model_mock.py).

    tests/test_llm_aiohttp.py runs the same client against a real server on loopback.
    """
    with mock_model(base_url=LLM_BASE_URL, assert_all_called=False) as mock:
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


async def fetch_rows(
    table: str, *, settings: Settings | None = None, min_rows: int = 1, timeout_s: float = 5.0, **where: Any
) -> list[dict[str, Any]]:
    """Rows of one of the service's tables matching `where`, waiting for the background writer."""
    import anyio
    from sqlalchemy import select

    from app.db.connection import build_engine
    from app.db.models import Base

    model = Base.metadata.tables[table]
    query = select(model)
    for column, value in where.items():
        query = query.where(model.c[column] == value)
    engine = build_engine(settings or make_settings())
    try:
        with anyio.move_on_after(timeout_s):
            while True:
                async with engine.connect() as connection:
                    rows = [dict(row._mapping) for row in (await connection.execute(query)).all()]
                if len(rows) >= min_rows:
                    return rows
                await anyio.sleep(0.05)
        return rows
    finally:
        await engine.dispose()


@contextmanager
def cli_environment(monkeypatch: pytest.MonkeyPatch, settings: Settings, **extra: object) -> Iterator[Settings]:
    """Point the CLI (which reads the environment) at `settings`' database, plus CALENDY_* extras."""
    values: dict[str, object] = {"DATABASE_URL": settings.database_url, "DATA_DIR": settings.data_dir, **extra}
    for name, value in values.items():
        monkeypatch.setenv(f"CALENDY_{name}", str(value))
    get_settings.cache_clear()
    try:
        yield settings
    finally:
        get_settings.cache_clear()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI reads its settings from the environment: point it at the test database."""
    with cli_environment(monkeypatch, make_settings()) as settings:
        yield settings

"""The playground's fixtures (browser, local_service, page), loaded by `pytest_plugins` in its tests."""

from collections.abc import Iterator
from typing import Any

import pytest

from app.main import create_app
from app.settings import Settings
from tests.browser import chromium, new_key, open_page
from tests.conftest import make_settings
from tests.servers import serve_in_thread


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def local_service() -> Iterator[tuple[str, Settings]]:
    """`calendy serve` with API keys and no LLM: the local engine only."""
    settings = make_settings(auth_disabled=False, llm_api_key=None, llm_base_url=None)
    with serve_in_thread(create_app(settings=settings)) as base:
        yield base, settings


@pytest.fixture
def page(browser: Any, local_service: tuple[str, Settings]) -> Iterator[Any]:
    base, settings = local_service
    opened = open_page(browser, base, new_key(settings))
    opened.click("#load-demo")
    yield opened
    opened.context.close()

"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and the playground's fixtures and helpers."""

import asyncio
import os
import re
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.db.connection import build_engine
from app.db.keys import create_api_key
from app.settings import Settings
from tests.conftest import fetch_rows

CHROMIUM = Path(os.environ.get("CALENDY_TEST_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling Google's services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS_DIR = Path(
    os.environ.get("CALENDY_TEST_ARTIFACTS_DIR", Path(__file__).resolve().parents[1] / "test-artifacts")
)


def require_chromium() -> None:
    """Skip when Chromium or Playwright is missing here; in CI (CI=true) that is a failure instead."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[dev]')"
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {missing}")
    pytest.skip(f"browser tests need Chromium: {missing}")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (Playwright's sync API)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot of the page for people reviewing a change; its path."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# The playground's fixtures and helpers (tests/test_playground_*.py import them).
NOW = "2023-11-23T20:25:39"
HOMEWORK = [
    "알고리즘 과제",
    "컴퓨터 구조 과제",
    "운영체제 과제",
    "선형대수 과제",
    "데이터베이스 과제",
    "영어 에세이 과제",
]


def run_async(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine to its end in its own thread: Playwright's sync API owns this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def new_key(settings: Settings, **kwargs: Any) -> str:
    async def make() -> str:
        engine = build_engine(settings)
        try:
            return (await create_api_key(engine=engine, name="playground test", **kwargs)).secret
        finally:
            await engine.dispose()

    result: str = run_async(make)
    return result


def open_page(browser: Any, base: str, key: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/playground?now={NOW}")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#api-key", key)
    return page


def command(page: Any, text: str) -> dict[str, Any]:
    """Type a command and press Enter; the /v1/sql answer (its request body under "sent")."""
    page.fill("#command", text)
    with page.expect_response("**/v1/sql") as response:
        page.press("#command", "Enter")
    answer: dict[str, Any] = response.value.json()
    answer["sent"] = response.value.request.post_data_json
    page.wait_for_selector("#answer[data-kind]")
    return answer


def rows(page: Any, sql: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate("sql => window.calendyPlayground.db.select(sql)", sql)
    return found


def day(page: Any, date: str) -> Any:
    return page.locator(f"section.day[data-day='{date}']")


def feedback(settings: Settings, request_id: str, outcomes: int = 1) -> list[str]:
    found = run_async(lambda: fetch_rows("feedback", settings=settings, min_rows=outcomes, request_id=request_id))
    return sorted(row["outcome"] for row in found)


def re_compile(pattern: str) -> Any:
    return re.compile(pattern)

"""The issue's "what done looks like" as one new user's first minute, on the browser's own clock:
from the home page to the playground, demo data, an add in tomorrow's column, a briefing, a bulk
delete that asks first, and undo — against the service with no LLM and with one (a fake upstream)."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import respx

from app.main import create_app
from app.settings import Settings
from tests.browser import HOMEWORK, day, new_key, rows, screenshot
from tests.conftest import LLM_BASE_URL, completion, make_settings
from tests.model_mock import mock_model
from tests.servers import serve_in_thread

# The fixtures browser and local_service.
pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture
def llm_service() -> Iterator[tuple[str, Settings, respx.Route]]:
    """The service with a model configured: a fake OpenAI-compatible upstream behind the real client."""
    settings = make_settings(auth_disabled=False)
    with mock_model(assert_all_called=False) as upstream:
        upstream.route(host="127.0.0.1").pass_through()
        model = upstream.post(f"{LLM_BASE_URL}/chat/completions")
        model.respond(json=completion("오늘은 할 일이 많아요. 과제부터 끝내세요."))
        with serve_in_thread(create_app(settings=settings)) as base:
            yield base, settings, model


def send(page: Any, text: str) -> dict[str, Any]:
    """Type a command as a person does (Enter submits) and wait for the answer panel."""
    page.fill("#command", text)
    with page.expect_response("**/v1/sql") as response:
        page.press("#command", "Enter")
    page.wait_for_selector("#answer[data-kind]")
    answer: dict[str, Any] = response.value.json()
    answer["sent"] = response.value.request.post_data_json
    return answer


def first_minute(browser: Any, base: str, settings: Settings, name: str, briefing: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR", timezone_id="Asia/Seoul")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/")
    page.click("a[href='/playground']")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#settings")).to_have_attribute("open", "")  # no key yet: Settings is open
    page.fill("#api-key", new_key(settings))
    page.click("#load-demo")
    expect(page.locator(".legend")).to_have_text(["과제", "운동", "약속", "업무"])

    answer = send(page, "내일 오후 3시 치과 예약 추가")
    now = datetime.strptime(answer["sent"]["now"], "%Y-%m-%d %H:%M:%S")
    tomorrow = now + timedelta(days=1)
    if tomorrow.weekday() == 0:  # tomorrow is in next week's columns
        page.click("#next")
    expect(day(page, tomorrow.strftime("%Y-%m-%d")).locator(".plan.todo.changed")).to_contain_text("15:00치과 예약")
    expect(page.locator("#answer .words")).to_contain_text("할 일 추가: '치과 예약' — ")
    page.click("#period")
    screenshot(page, f"{name}-add")

    send(page, "이번주 일정 요약해줘")
    expect(page.locator("#answer[data-kind=summary] blockquote.briefing")).to_contain_text(briefing)

    before = rows(page, "SELECT * FROM TODO ORDER BY id")
    answer = send(page, "과제 모두 삭제해줘")
    assert answer["needs_confirmation"] is True
    expect(page.locator("#answer .ask")).to_have_text("기존 계획 6개가 바뀝니다. 실행할까요?")
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before  # nothing ran before the answer
    screenshot(page, f"{name}-ask")
    page.click("#confirm")
    expect(page.locator("#answer[data-kind=changed]")).to_be_visible()
    assert not {row["title"] for row in rows(page, "SELECT title FROM TODO")} & set(HOMEWORK)
    page.click("#undo")
    expect(page.locator("#answer[data-kind=undone]")).to_contain_text("과제 모두 삭제해줘")
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before
    # The demo's homework is due in this week: all six are back in view, highlighted.
    expect(page.locator("#plans .plan.changed .title")).to_have_text(HOMEWORK)
    context.close()


def test_first_minute_with_the_local_engine_only(browser: Any, local_service: tuple[str, Settings]) -> None:
    base, settings = local_service
    # The local briefing names the plans of the week.
    first_minute(browser, base, settings, "playground-first-minute-local", briefing="헬스")


def test_first_minute_with_a_model_configured(browser: Any, llm_service: tuple[str, Settings, respx.Route]) -> None:
    base, settings, model = llm_service
    first_minute(browser, base, settings, "playground-first-minute-llm", briefing="과제부터 끝내세요")
    # The briefing came from the model (the local engine answered the commands themselves).
    assert model.call_count >= 1

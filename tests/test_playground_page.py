"""The playground read by a newcomer in headless Chromium: its labels in the chosen language, what to do
with no key and no plans, and a preview of changed rows that fits the narrow answer panel."""

from typing import Any

from app.settings import Settings
from tests.browser import HOMEWORK, NOW, command, new_key, screenshot

# The fixtures browser, local_service and page.
pytest_plugins = ["tests.browser_fixtures"]


def fresh_page(browser: Any, base: str, locale: str) -> Any:
    """The page as a first visit sees it: no key, no plans, the browser's language."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/playground?now={NOW}")
    page.wait_for_selector("body[data-ready=true]")
    return page


def test_a_korean_browser_gets_korean_labels_and_the_setting_switches_them(
    browser: Any, local_service: tuple[str, Settings]
) -> None:
    from playwright.sync_api import expect

    page = fresh_page(browser, local_service[0], "ko-KR")
    assert page.evaluate("document.documentElement.lang") == "ko"
    expect(page.locator("[data-view]")).to_have_text(["오늘", "주", "월"])
    expect(page.locator("#load-demo")).to_have_text("데모 데이터 불러오기")
    expect(page.locator("#send")).to_have_text("보내기")
    expect(page.locator("#settings summary")).to_have_text("설정")
    expect(page.locator("section.day h3").first).to_have_text("11/20 (월)")
    expect(page.locator("#period")).to_have_text("2023-11-20 주")
    page.click("[data-view=month]")
    expect(page.locator(".month .head")).to_have_text(["월", "화", "수", "목", "금", "토", "일"])

    page.select_option("#locale", "en")  # the Language setting wins over the browser's
    expect(page.locator("[data-view]")).to_have_text(["Today", "Week", "Month"])
    expect(page.locator(".month .head").first).to_have_text("Mon")
    expect(page.locator("#settings summary")).to_have_text("Settings")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#load-demo")).to_have_text("Load demo data")  # the choice is kept
    page.context.close()


def test_an_english_browser_gets_english_labels(browser: Any, local_service: tuple[str, Settings]) -> None:
    from playwright.sync_api import expect

    page = fresh_page(browser, local_service[0], "en-US")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator("section.day h3").first).to_have_text("Mon 11/20")
    expect(page.locator("#period")).to_have_text("week of 2023-11-20")
    page.select_option("#locale", "ko")
    expect(page.locator("#clear")).to_have_text("모두 지우기")
    expect(page.locator("#api-key")).to_have_attribute("placeholder", "calendy keys create 로 만든 키")
    page.context.close()


def test_no_key_and_no_plans_say_what_to_do_next(browser: Any, local_service: tuple[str, Settings]) -> None:
    from playwright.sync_api import expect

    base, settings = local_service
    page = fresh_page(browser, base, "ko-KR")
    expect(page.locator("#key-hint")).to_contain_text("API 키가 없습니다")
    expect(page.locator("#plans .empty")).to_contain_text("아직 계획이 없습니다.")
    screenshot(page, "playground-first-visit")
    page.fill("#api-key", new_key(settings))
    expect(page.locator("#key-hint")).to_be_hidden()
    page.click("#empty-load-demo")  # the empty state's own button loads the demo
    expect(page.locator("#plans .empty")).to_have_count(0)
    expect(page.locator(".legend")).to_have_text(["과제", "운동", "약속", "업무"])
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#clear")
    expect(page.locator("#status")).to_have_text("모두 지웠습니다: 계획이 없습니다.")
    expect(page.locator("#plans .empty")).to_be_visible()  # after Clear, the same next step
    page.context.close()


def test_the_preview_names_categories_and_shows_before_and_after(page: Any) -> None:
    from playwright.sync_api import expect

    command(page, "과제 모두 삭제해줘")
    preview = page.locator("#answer .preview table.rows.compact")
    expect(preview.locator("th")).to_have_text(["", "제목", "언제", "카테고리", "완료"])
    first = preview.locator("tr").nth(1)
    expect(first.locator("td.title")).to_have_text("알고리즘 과제")
    expect(first.locator("td.when")).to_have_text("11/20(월) 23:59")
    expect(first.locator("td.category")).to_have_text("과제")  # the name, not category_id
    expect(first.locator("td.done")).to_have_text("✓")
    # It fits the answer panel: nothing scrolls sideways.
    assert page.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth", preview.element_handle())
    # The plans it would delete are marked in the week until the person decides.
    expect(page.locator("#plans .plan.pending .title")).to_have_text(HOMEWORK)
    screenshot(page, "playground-pending-preview")
    page.click("#cancel")
    expect(page.locator("#plans .plan.pending")).to_have_count(0)

    command(page, "데이터베이스 과제 금요일 오후 6시로 미뤄줘")
    page.click("#answer details.preview summary")
    changed = page.locator("#answer table.rows.compact td.when.diff")
    expect(changed).to_have_text("11/24(금) 23:59 → 11/24(금) 18:00")
    expect(changed.locator("del")).to_have_text("11/24(금) 23:59")
    expect(page.locator("#answer table.rows.compact td.title")).to_have_text("데이터베이스 과제")
    expect(page.locator("#answer table.rows.compact th")).to_have_count(5)  # no "also" column: nothing else changed
    expect(page.locator("#plans")).not_to_contain_text("null")
    screenshot(page, "playground-update-preview")


def test_every_changed_column_stays_visible(page: Any) -> None:
    """A change the compact cells do not show (a memo) is listed under its own column, before → after."""
    from playwright.sync_api import expect

    page.evaluate(
        """async () => {
          const { previewTable } = await import("/playground/static/preview.js");
          const before = { id: 7, title: "헬스", start_time: "2023-11-20 19:00:00", end_time: "2023-11-20 20:00:00",
                           memo: null, category_id: 2, priority: null };
          const row = { table: "SCHEDULE", ...before, after: { ...before, memo: "PT" } };
          document.getElementById("answer").replaceChildren(previewTable([row], "en", new Map([[2, "Exercise"]])));
        }"""
    )
    table = page.locator("#answer table.rows.compact")
    expect(table.locator("th")).to_have_text(["", "title", "when", "category", "done", "also"])
    expect(table.locator("td.other")).to_have_text("memo: — → PT")
    expect(table.locator("td.category")).to_have_text("Exercise")
    expect(table.locator("td.when")).to_have_text("Mon 11/20 19:00–20:00")

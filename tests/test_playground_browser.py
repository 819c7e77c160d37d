"""The web playground in headless Chromium against a real `calendy serve`: demo data, views, edits
by hand, a Korean command, questions and briefings, messages, the clock, Hangul input."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.settings import Settings
from tests.browser import HOMEWORK, command, day, feedback, new_key, rows, screenshot

# The fixtures browser, local_service and page.
pytest_plugins = ["tests.browser_fixtures"]


def test_demo_data_shows_plans_and_a_reload_keeps_them(page: Any) -> None:
    from playwright.sync_api import expect

    monday = day(page, "2023-11-20")
    expect(monday.locator(".plan.todo.done")).to_contain_text("알고리즘 과제")
    expect(monday.locator(".plan.schedule")).to_contain_text("헬스")
    # Coloured by category: 헬스 is 운동 (the second colour), homework the first.
    assert "--cat: #2eb67d" in (monday.locator(".plan.schedule").first.get_attribute("style") or "")
    assert "--cat: #4f7cff" in (monday.locator(".plan.todo").first.get_attribute("style") or "")
    expect(page.locator(".legend")).to_have_text(["과제", "운동", "약속", "업무"])
    before = rows(page, "SELECT * FROM TODO ORDER BY id")
    assert [row["title"] for row in before][:6] == HOMEWORK
    key = page.input_value("#api-key")
    page.goto(page.url.split("?")[0])  # a reload, without the pinned time in the address
    page.wait_for_selector("body[data-ready=true]")
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before
    assert page.input_value("#api-key") == key and key.startswith("cal_")
    assert page.input_value("#pinned-now") == "2023-11-23 20:25:39"
    expect(day(page, "2023-11-25")).to_contain_text("신영이랑 밥먹기")
    expect(page.locator("#period")).to_have_text("2023-11-20 주")
    page.click("#next")
    expect(day(page, "2023-11-27")).to_contain_text("19:00–20:00헬스")  # repeated every week
    expect(page.locator("#period")).to_have_text("2023-11-27 주")
    page.click("#period")
    expect(day(page, "2023-11-20")).to_be_visible()
    page.click("[data-view=month]")
    expect(page.locator(".month .cell[data-day='2023-11-29']")).to_contain_text("헬스")  # repeated next week
    page.click("#previous")
    expect(page.locator("#period")).to_have_text("2023-10")
    page.click("#period")
    page.click(".month .cell[data-day='2023-11-29'] .date")  # a day of the month opens in the day view
    expect(page.locator("#period")).to_have_text("2023-11-29")
    expect(page.locator("section.day[data-day='2023-11-29']")).to_contain_text("헬스")
    page.click("[data-view=today]")
    expect(page.locator("section.day")).to_have_count(1)
    expect(page.locator("section.day.today")).to_contain_text("선형대수 과제")
    # Clear asks first: dismissed, nothing is gone; accepted, everything is.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#clear")
    expect(page.locator(".plan").first).to_be_visible()
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#clear")
    expect(page.locator(".plan")).to_have_count(0)
    assert asked == ["이 브라우저의 계획을 모두 지울까요? 되돌리기 목록도 함께 지워지며 되돌릴 수 없습니다."] * 2
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert rows(page, "SELECT * FROM TODO") == []


def test_plans_added_completed_and_deleted_by_hand_and_undone(page: Any) -> None:
    from playwright.sync_api import expect

    states = [(rows(page, "SELECT * FROM TODO ORDER BY id"), rows(page, "SELECT * FROM SCHEDULE ORDER BY id"))]

    page.click("details.add summary")
    page.select_option("#add-form select[name=kind]", "SCHEDULE")
    page.fill("#add-form input[name=title]", "스터디")
    page.fill("#add-form input[name=start]", "2023-11-26T14:00")
    page.select_option("#add-category", label="약속")
    page.click("#add-form button[type=submit]")
    expect(day(page, "2023-11-26")).to_contain_text("14:00–15:00스터디")
    states.append((rows(page, "SELECT * FROM TODO ORDER BY id"), rows(page, "SELECT * FROM SCHEDULE ORDER BY id")))
    todo = day(page, "2023-11-21").locator(".plan.todo", has_text="컴퓨터 구조 과제")
    todo.locator("input.complete").check()
    expect(day(page, "2023-11-21").locator(".plan.done")).to_contain_text("컴퓨터 구조 과제")
    assert rows(page, "SELECT complete FROM TODO WHERE title = '컴퓨터 구조 과제'") == [{"complete": 1}]
    states.append((rows(page, "SELECT * FROM TODO ORDER BY id"), rows(page, "SELECT * FROM SCHEDULE ORDER BY id")))
    day(page, "2023-11-26").locator(".plan", has_text="스터디").locator(".remove").click()
    expect(day(page, "2023-11-26")).not_to_contain_text("스터디")
    # The three edits are in the undo journal with the commands: undo takes them back newest first.
    page.click("#undo-stack summary")
    expect(page.locator("#undo-list li")).to_have_text(
        ["직접 삭제: 일정 '스터디'", "직접 완료 표시: '컴퓨터 구조 과제'", "직접 추가: 일정 '스터디'"]
    )
    page.click("#undo")
    expect(page.locator("#answer")).to_contain_text("되돌렸습니다: “직접 삭제: 일정 '스터디'”")
    expect(day(page, "2023-11-26").locator(".plan.changed")).to_contain_text("스터디")
    for todos, schedules in reversed(states):
        assert rows(page, "SELECT * FROM TODO ORDER BY id") == todos
        assert rows(page, "SELECT * FROM SCHEDULE ORDER BY id") == schedules
        if page.locator("#undo").is_enabled():
            page.click("#undo")
            expect(page.locator("#answer[data-kind=undone]")).to_be_visible()
    expect(page.locator("#undo")).to_be_disabled()
    # Edits by hand are not turns of the conversation: the next command's history leaves them out.
    day(page, "2023-11-22").locator(".plan.todo", has_text="운영체제 과제").locator("input.complete").check()
    assert command(page, "내일 오후 3시 치과 예약 추가")["sent"]["history"] == []


def test_korean_add_command_lands_in_tomorrows_column(page: Any, local_service: tuple[str, Settings]) -> None:
    from playwright.sync_api import expect

    answer = command(page, "내일 오후 3시 치과 예약 추가")
    assert answer["engine"] == "local" and answer["intent"] == "insert"
    sent = answer["sent"]
    assert (sent["now"], sent["engine"], sent["history"]) == ("2023-11-23 20:25:39", "auto", [])
    assert [t["title"] for t in sent["todos"]][:6] == HOMEWORK and sent["todos"][0]["complete"] is True
    assert {c["title"] for c in sent["categories"]} == {"과제", "운동", "약속", "업무"} and len(sent["schedules"]) == 16
    expect(page.locator("#answer .words")).to_have_text("할 일 추가: '치과 예약' — 11/24(금) 15:00")
    expect(page.locator("#answer .meta")).to_contain_text("engine local")
    page.click("#answer details.sql summary")
    expect(page.locator("#answer details.sql pre")).to_contain_text("INSERT INTO TODO")
    expect(day(page, "2023-11-24").locator(".plan.changed")).to_contain_text("치과 예약")
    assert feedback(local_service[1], answer["request_id"]) == ["executed"]
    page.click("#settings summary")  # folded, as a returning user with a key sees the page
    page.set_viewport_size({"width": 1400, "height": 560})
    print(screenshot(page, "playground-after-command"))


def test_the_words_are_in_the_commands_language(page: Any) -> None:
    from playwright.sync_api import expect

    page.select_option("#demo-locale", "en")
    page.once("dialog", lambda dialog: dialog.accept())  # the Korean demo plans are replaced
    page.click("#load-demo")
    expect(page.locator(".legend")).to_have_text(["Homework", "Exercise", "Social", "Work"])
    command(page, "add dentist appointment tomorrow at 3pm")
    expect(page.locator("#answer .words")).to_have_text("adds todo 'dentist appointment' on Fri 11/24 15:00")
    answer = command(page, "delete all homework")
    assert answer["needs_confirmation"] is True
    expect(page.locator("#answer .ask")).to_have_text("This will change 6 existing plan(s). Run it?")
    first = page.locator("#answer .words li").first
    expect(first).to_have_text("deletes todo 'Algorithms homework' on Mon 11/20 23:59")
    expect(page.locator("#answer #confirm")).to_have_text("Confirm")
    page.click("#cancel")
    expect(page.locator("#answer")).to_have_text("Cancelled: nothing was changed.")
    page.select_option("#locale", "en")  # the language chosen in Settings wins over the command's
    command(page, "모레 오후 3시 치과 예약 추가")
    expect(page.locator("#answer .words")).to_have_text("adds todo '치과 예약' on Sat 11/25 15:00")


def test_summary_command_shows_a_briefing(page: Any) -> None:
    from playwright.sync_api import expect

    with page.expect_request("**/v1/summary") as summary:
        answer = command(page, "이번주 일정 요약해줘")
    assert answer["intent"] == "summary"
    plans = summary.value.post_data_json["plans"]
    assert summary.value.post_data_json["now"] == "2023-11-23 20:25:39"
    assert {(plan["kind"], plan["title"]) for plan in plans} >= {("todo", "알고리즘 과제"), ("schedule", "팀 회의")}
    assert {plan["category"] for plan in plans if plan["title"] == "헬스"} == {"운동"}
    briefing = page.locator("#answer blockquote.briefing")
    expect(briefing).to_contain_text("신영이랑 밥먹기")
    expect(briefing).to_contain_text("헬스")


def test_no_such_plan_and_not_understood_show_their_message(page: Any) -> None:
    from playwright.sync_api import expect

    for prompt, status in (("수영 강습 삭제해줘", "no_such_plan"), ("안녕하세요", "not_understood")):
        answer = command(page, prompt)
        assert answer["status"] == status and answer["message"]
        expect(page.locator("#answer[data-kind=message] .text")).to_have_text(answer["message"])


def test_a_question_shows_rows_and_now_is_the_browsers_own_clock(
    browser: Any, local_service: tuple[str, Settings]
) -> None:
    from playwright.sync_api import expect

    base, settings = local_service
    context = browser.new_context(timezone_id="Asia/Seoul")
    page = context.new_page()
    page.goto(f"{base}/playground")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#api-key", new_key(settings))
    page.click("#load-demo")
    page.fill("#pinned-now", "2023-02-30 10:00:00")  # no such day: ignored, and marked
    expect(page.locator("#pinned-now.invalid")).to_be_visible()
    answer = command(page, "오늘 할 일 보여줘")
    seoul = datetime.now(ZoneInfo("Asia/Seoul")).replace(tzinfo=None)
    assert abs(datetime.strptime(answer["sent"]["now"], "%Y-%m-%d %H:%M:%S") - seoul) < timedelta(minutes=2)
    assert answer["intent"] == "select"
    expect(page.locator("#answer details.preview[open] table.rows")).to_be_visible()
    today = seoul.strftime("%Y-%m-%d")
    expected = [row["title"] for row in rows(page, f"SELECT title FROM TODO WHERE due_time LIKE '{today}%'")]
    assert expected  # the demo week has todos on every day
    expect(page.locator("#answer table.rows td.title")).to_have_text(expected)
    context.close()


def test_hangul_composition_does_not_submit(page: Any) -> None:
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.url.endswith("/v1/sql") else None)
    page.fill("#command", "내일 오후 3시 치과 예약 추가")
    page.dispatch_event("#command", "compositionstart", {"data": "가"})
    page.evaluate(
        """() => document.getElementById('command').dispatchEvent(new KeyboardEvent('keydown',
        {key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true}))"""
    )
    page.dispatch_event("#command", "compositionend", {"data": "가"})
    page.wait_for_timeout(300)
    assert sent == []
    assert page.input_value("#command") == "내일 오후 3시 치과 예약 추가"
    with page.expect_response("**/v1/sql"):
        page.press("#command", "Enter")
    assert len(sent) == 1

"""The web playground in headless Chromium against a real server: plans in the browser's SQLite,
commands with preview, confirmation and undo, briefings, errors, the LLM path, Hangul input."""

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import respx

from app.db.engine import build_engine
from app.db.keys import create_api_key
from app.main import create_app
from app.settings import Settings
from tests.browser import chromium, screenshot
from tests.conftest import LLM_BASE_URL, completion, fetch_rows, make_settings
from tests.servers import serve_in_thread

# A Thursday: "tomorrow" is Friday 11/24, inside the demo week (Mon 11/20 – Sun 11/26).
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


def open_page(browser: Any, base: str, key: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/playground?now={NOW}")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#api-key", key)
    return page


@pytest.fixture
def page(browser: Any, local_service: tuple[str, Settings]) -> Iterator[Any]:
    base, settings = local_service
    opened = open_page(browser, base, new_key(settings))
    opened.click("#load-demo")
    yield opened
    opened.context.close()


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
    page.click("[data-view=month]")
    expect(page.locator(".month .cell[data-day='2023-11-29']")).to_contain_text("헬스")  # repeated next week
    page.click("[data-view=today]")
    expect(page.locator("section.day")).to_have_count(1)
    expect(page.locator("section.day.today")).to_contain_text("선형대수 과제")
    page.click("#clear")
    expect(page.locator(".plan")).to_have_count(0)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert rows(page, "SELECT * FROM TODO") == []


def test_plans_added_completed_and_deleted_by_hand(page: Any) -> None:
    from playwright.sync_api import expect

    page.click("details.add summary")
    page.select_option("#add-form select[name=kind]", "SCHEDULE")
    page.fill("#add-form input[name=title]", "스터디")
    page.fill("#add-form input[name=start]", "2023-11-26T14:00")
    page.select_option("#add-category", label="약속")
    page.click("#add-form button[type=submit]")
    expect(day(page, "2023-11-26")).to_contain_text("14:00–15:00스터디")
    todo = day(page, "2023-11-21").locator(".plan.todo", has_text="컴퓨터 구조 과제")
    todo.locator("input.complete").check()
    expect(day(page, "2023-11-21").locator(".plan.done")).to_contain_text("컴퓨터 구조 과제")
    assert rows(page, "SELECT complete FROM TODO WHERE title = '컴퓨터 구조 과제'") == [{"complete": 1}]
    day(page, "2023-11-26").locator(".plan", has_text="스터디").locator(".remove").click()
    expect(day(page, "2023-11-26")).not_to_contain_text("스터디")


def test_korean_add_command_lands_in_tomorrows_column(page: Any, local_service: tuple[str, Settings]) -> None:
    from playwright.sync_api import expect

    answer = command(page, "내일 오후 3시 치과 예약 추가")
    assert answer["engine"] == "local" and answer["intent"] == "insert"
    sent = answer["sent"]
    assert (sent["now"], sent["engine"], sent["history"]) == ("2023-11-23 20:25:39", "auto", [])
    assert [t["title"] for t in sent["todos"]][:6] == HOMEWORK and sent["todos"][0]["complete"] is True
    assert {c["title"] for c in sent["categories"]} == {"과제", "운동", "약속", "업무"} and len(sent["schedules"]) == 16
    expect(page.locator("#answer .words")).to_have_text("adds todo '치과 예약' on Fri 11/24 15:00")
    expect(page.locator("#answer .meta")).to_contain_text("engine local")
    page.click("#answer details.sql summary")
    expect(page.locator("#answer details.sql pre")).to_contain_text("INSERT INTO TODO")
    expect(day(page, "2023-11-24").locator(".plan.changed")).to_contain_text("치과 예약")
    assert feedback(local_service[1], answer["request_id"]) == ["executed"]
    page.click("#settings summary")  # folded, as a returning user with a key sees the page
    print(screenshot(page, "playground-after-command"))


def test_bulk_delete_asks_first_and_undo_restores_the_rows(page: Any, local_service: tuple[str, Settings]) -> None:
    from playwright.sync_api import expect

    before = rows(page, "SELECT * FROM TODO ORDER BY id")
    answer = command(page, "과제 모두 삭제해줘")
    assert answer["needs_confirmation"] is True
    expect(page.locator("#answer .ask")).to_contain_text("This will change 6 existing plan(s)")
    expect(page.locator("#answer table.rows tr")).to_have_count(7)  # a header and six rows
    # Nothing runs before the person says so; Cancel keeps everything.
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before
    page.click("#cancel")
    expect(page.locator("#answer")).to_contain_text("Cancelled")
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before

    answer = command(page, "과제 모두 삭제해줘")
    page.click("#confirm")
    expect(page.locator("#answer[data-kind=changed]")).to_be_visible()
    for title in HOMEWORK:
        expect(page.locator("#plans")).not_to_contain_text(title)
    assert [row["title"] for row in rows(page, "SELECT * FROM TODO")] == [
        "장보기",
        "줄넘기",
        "엄마 생신 선물 사기",
        "빨래하기",
    ]
    print(screenshot(page, "playground-bulk-delete"))

    page.click("#undo")
    expect(page.locator("#answer")).to_contain_text("Undone: “과제 모두 삭제해줘”")
    expect(day(page, "2023-11-22").locator(".plan.changed")).to_contain_text("운영체제 과제")
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before
    assert feedback(local_service[1], answer["request_id"], outcomes=2) == ["executed", "undone"]
    expect(page.locator("#undo")).to_be_disabled()


def test_changes_are_described_and_undone_newest_first(page: Any) -> None:
    from playwright.sync_api import expect

    states = [rows(page, "SELECT * FROM TODO ORDER BY id")]
    command(page, "토요일 오전 10시 병원 예약 추가")
    expect(page.locator("#answer .words")).to_have_text("adds todo '병원 예약' on Sat 11/25 10:00")
    states.append(rows(page, "SELECT * FROM TODO ORDER BY id"))
    moved = command(page, "데이터베이스 과제 금요일 오후 6시로 미뤄줘")
    assert moved["sent"]["history"] == [
        {"prompt": "토요일 오전 10시 병원 예약 추가", "statements": [moved["sent"]["history"][0]["statements"][0]]}
    ]
    assert "병원 예약" in moved["sent"]["history"][0]["statements"][0]
    expect(page.locator("#answer .words")).to_have_text(
        "changes todo '데이터베이스 과제': due Fri 11/24 23:59 → Fri 11/24 18:00"
    )
    expect(day(page, "2023-11-24").locator(".plan.changed")).to_contain_text("18:00데이터베이스 과제")
    states.append(rows(page, "SELECT * FROM TODO ORDER BY id"))
    command(page, "데이터베이스 과제 완료")
    expect(page.locator("#answer .words")).to_have_text("changes todo '데이터베이스 과제': marked done")
    expect(day(page, "2023-11-24").locator(".plan.done.changed")).to_contain_text("데이터베이스 과제")
    page.click("#undo-stack summary")
    expect(page.locator("#undo-list li")).to_have_text(
        ["데이터베이스 과제 완료", "데이터베이스 과제 금요일 오후 6시로 미뤄줘", "토요일 오전 10시 병원 예약 추가"]
    )
    for expected in reversed(states):
        page.click("#undo")
        expect(page.locator("#answer[data-kind=undone]")).to_be_visible()
        assert rows(page, "SELECT * FROM TODO ORDER BY id") == expected
    expect(page.locator("#undo-list li")).to_have_count(0)
    expect(page.locator("#undo")).to_be_disabled()


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


def test_a_todo_becomes_a_schedule_and_undo_turns_it_back(page: Any) -> None:
    from playwright.sync_api import expect

    todos, schedules = rows(page, "SELECT * FROM TODO ORDER BY id"), rows(page, "SELECT * FROM SCHEDULE ORDER BY id")
    answer = command(page, "데이터베이스 과제를 일정으로 바꿔줘")
    assert answer["intent"] == "mixed"
    expect(page.locator("#answer .words li")).to_have_text(
        [
            "adds schedule '데이터베이스 과제' on Fri 11/24 23:59–23:59",
            "deletes todo '데이터베이스 과제' on Fri 11/24 23:59",
        ]
    )
    expect(day(page, "2023-11-24").locator(".plan.schedule.changed")).to_contain_text("데이터베이스 과제")
    expect(day(page, "2023-11-24").locator(".plan.todo", has_text="데이터베이스 과제")).to_have_count(0)
    page.click("#undo")
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == todos
    assert rows(page, "SELECT * FROM SCHEDULE ORDER BY id") == schedules


def test_error_codes_show_their_messages(browser: Any, local_service: tuple[str, Settings]) -> None:
    from playwright.sync_api import expect

    base, settings = local_service
    wrong = open_page(browser, base, "cal_nokey_wrong")
    command(wrong, "내일 오후 3시 치과 예약 추가")
    expect(wrong.locator("#answer[data-code=unauthorized]")).to_contain_text("The API key was refused")
    wrong.context.close()

    limited = open_page(browser, base, new_key(settings, rate_limit_per_minute=1))
    limited.select_option("#engine", "llm")
    command(limited, "다음주에 뭐 있는지 알려줄래")  # engine=llm on a service with no LLM
    expect(limited.locator("#answer[data-code=llm_unavailable]")).to_contain_text("No language model is available")
    command(limited, "모레 오후 3시 치과 예약 추가")
    expect(limited.locator("#answer[data-code=rate_limited]")).to_contain_text(
        re_compile(r"Too many requests for this key: try again in \d+ s")
    )
    # Every code of api.md's error table has its own words (none falls through to the generic text).
    codes = [
        "invalid_request",
        "unauthorized",
        "payload_too_large",
        "rate_limited",
        "llm_invalid_output",
        "llm_error",
        "llm_unavailable",
        "llm_timeout",
        "service_unavailable",
        "not_found",
        "method_not_allowed",
    ]
    texts = limited.evaluate(
        """async (codes) => {
            const { ApiError, errorText } = await import('/playground/static/api.js');
            return codes.map((code) => errorText(new ApiError(500, code, 'boom', null, 7)));
        }""",
        codes,
    )
    generic = [code for code, text in zip(codes, texts, strict=True) if text.startswith("The service answered")]
    assert generic == []
    assert len(set(texts)) == len(codes)
    limited.context.close()


def re_compile(pattern: str) -> Any:
    import re

    return re.compile(pattern)


def test_llm_path_against_a_fake_upstream(browser: Any) -> None:
    from playwright.sync_api import expect

    settings = make_settings(auth_disabled=False)
    with respx.mock(assert_all_called=False) as upstream:
        upstream.route(host="127.0.0.1").pass_through()
        model = upstream.post(f"{LLM_BASE_URL}/chat/completions")
        model.respond(
            json=completion(
                "```sql\nINSERT INTO SCHEDULE (title, start_time, end_time, category_id) "
                "VALUES ('교수님 면담', '2023-11-24 11:00:00', '2023-11-24 12:00:00', 4);\n```",
                prompt_tokens=812,
                completion_tokens=41,
            )
        )
        with serve_in_thread(create_app(settings=settings)) as base:
            page = open_page(browser, base, new_key(settings))
            page.click("#load-demo")
            page.select_option("#engine", "llm")
            answer = command(page, "금요일 11시에 교수님 면담 잡아줘")
            assert upstream.calls.call_count >= 1
            assert answer["engine"] == "llm"
            expect(page.locator("#answer .meta")).to_have_text(
                re_compile(r"engine llm · model gpt-test · [\d.]+ ms · tokens 812 in / 41 out")
            )
            expect(day(page, "2023-11-24").locator(".plan.schedule.changed")).to_contain_text("교수님 면담")
            assert feedback(settings, answer["request_id"]) == ["executed"]

            # The browser's SQLite refuses the second statement (a trigger stands in for whatever a
            # device's database may refuse): the first is not kept either, and the service hears
            # that the command failed, with SQLite's error.
            model.respond(
                json=completion(
                    "```sql\nINSERT INTO TODO (title, due_time) VALUES ('발표 준비', '2023-11-24 09:00:00');\n"
                    "INSERT INTO TODO (title, due_time) VALUES ('발표 리허설', '2023-11-24 10:00:00');\n```"
                )
            )
            page.evaluate(
                """() => window.calendyPlayground.db.run("CREATE TRIGGER refuse BEFORE INSERT ON TODO"
                + " WHEN NEW.title = '발표 리허설' BEGIN SELECT RAISE(ABORT, 'refused by the device'); END")"""
            )
            before = rows(page, "SELECT * FROM TODO ORDER BY id")
            answer = command(page, "금요일 9시 발표 준비 추가")
            expect(page.locator("#answer[data-kind=error]")).to_contain_text("refused by the device")
            assert rows(page, "SELECT * FROM TODO ORDER BY id") == before
            [failed] = run_async(lambda: fetch_rows("feedback", settings=settings, request_id=answer["request_id"]))
            assert failed["outcome"] == "failed" and "refused by the device" in failed["error"]
            page.context.close()


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
    answer = command(page, "오늘 할 일 보여줘")
    seoul = datetime.now(ZoneInfo("Asia/Seoul")).replace(tzinfo=None)
    assert abs(datetime.strptime(answer["sent"]["now"], "%Y-%m-%d %H:%M:%S") - seoul) < timedelta(minutes=2)
    assert answer["intent"] == "select"
    expect(page.locator("#answer details.preview[open] table.rows")).to_be_visible()
    today = seoul.strftime("%Y-%m-%d")
    expected = [row["title"] for row in rows(page, f"SELECT title FROM TODO WHERE due_time LIKE '{today}%'")]
    assert expected  # the demo week has todos on every day
    expect(page.locator("#answer table.rows td:nth-child(3)")).to_have_text(expected)
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

"""The playground's careful execution in headless Chromium: preview, confirmation, one transaction,
undo of the exact rows newest first, feedback, every error's words, the LLM path."""

from typing import Any

from app.main import create_app
from app.settings import Settings
from tests.browser import HOMEWORK, command, day, feedback, new_key, open_page, re_compile, rows, run_async, screenshot
from tests.conftest import LLM_BASE_URL, completion, fetch_rows, make_settings
from tests.model_mock import mock_model
from tests.servers import serve_in_thread

# The fixtures browser, local_service and page.
pytest_plugins = ["tests.browser_fixtures"]


def test_bulk_delete_asks_first_and_undo_restores_the_rows(page: Any, local_service: tuple[str, Settings]) -> None:
    from playwright.sync_api import expect

    before = rows(page, "SELECT * FROM TODO ORDER BY id")
    answer = command(page, "과제 모두 삭제해줘")
    assert answer["needs_confirmation"] is True
    expect(page.locator("#answer .ask")).to_contain_text("기존 계획 6개가 바뀝니다. 실행할까요?")
    expect(page.locator("#answer table.rows tr")).to_have_count(7)  # a header and six rows
    # Nothing runs before the person says so; Cancel keeps everything.
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before
    page.click("#cancel")
    expect(page.locator("#answer")).to_contain_text("취소했습니다: 아무것도 바뀌지 않았습니다.")
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
    expect(page.locator("#answer")).to_contain_text("되돌렸습니다: “과제 모두 삭제해줘”")
    expect(day(page, "2023-11-22").locator(".plan.changed")).to_contain_text("운영체제 과제")
    assert rows(page, "SELECT * FROM TODO ORDER BY id") == before
    assert feedback(local_service[1], answer["request_id"], outcomes=2) == ["executed", "undone"]
    expect(page.locator("#undo")).to_be_disabled()


def test_a_held_command_is_dropped_when_the_plans_change_under_it(page: Any) -> None:
    from playwright.sync_api import expect

    command(page, "과제 모두 삭제해줘")
    expect(page.locator("#confirm")).to_be_visible()
    # Its preview no longer tells the truth once the plans change by hand: it is dropped, unrun.
    day(page, "2023-11-21").locator(".plan.todo", has_text="컴퓨터 구조 과제").locator("input.complete").check()
    expect(page.locator("#answer[data-kind=cancelled]")).to_have_text(
        "확인을 기다리는 동안 계획이 바뀌어 그 명령은 실행하지 않았습니다. 다시 보내세요."
    )
    expect(page.locator("#confirm")).to_have_count(0)
    titles = [row["title"] for row in rows(page, "SELECT title FROM TODO ORDER BY id")]
    assert titles[:6] == HOMEWORK
    assert page.evaluate("() => window.calendyPlayground.session.pending") is None


def test_changes_are_described_and_undone_newest_first(page: Any) -> None:
    from playwright.sync_api import expect

    states = [rows(page, "SELECT * FROM TODO ORDER BY id")]
    command(page, "토요일 오전 10시 병원 예약 추가")
    expect(page.locator("#answer .words")).to_have_text("할 일 추가: '병원 예약' — 11/25(토) 10:00")
    states.append(rows(page, "SELECT * FROM TODO ORDER BY id"))
    moved = command(page, "데이터베이스 과제 금요일 오후 6시로 미뤄줘")
    assert moved["sent"]["history"] == [
        {"prompt": "토요일 오전 10시 병원 예약 추가", "statements": [moved["sent"]["history"][0]["statements"][0]]}
    ]
    assert "병원 예약" in moved["sent"]["history"][0]["statements"][0]
    expect(page.locator("#answer .words")).to_have_text(
        "할 일 변경: '데이터베이스 과제' — 마감 11/24(금) 23:59 → 11/24(금) 18:00"
    )
    expect(day(page, "2023-11-24").locator(".plan.changed")).to_contain_text("18:00데이터베이스 과제")
    states.append(rows(page, "SELECT * FROM TODO ORDER BY id"))
    command(page, "데이터베이스 과제 완료")
    expect(page.locator("#answer .words")).to_have_text("할 일 변경: '데이터베이스 과제' — 완료로 표시")
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


def test_a_todo_becomes_a_schedule_and_undo_turns_it_back(page: Any) -> None:
    from playwright.sync_api import expect

    todos, schedules = rows(page, "SELECT * FROM TODO ORDER BY id"), rows(page, "SELECT * FROM SCHEDULE ORDER BY id")
    answer = command(page, "데이터베이스 과제를 일정으로 바꿔줘")
    assert answer["intent"] == "mixed"
    expect(page.locator("#answer .words li")).to_have_text(
        [
            "일정 추가: '데이터베이스 과제' — 11/24(금) 23:59–23:59",
            "할 일 삭제: '데이터베이스 과제' — 11/24(금) 23:59",
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
    command(wrong, "내일 오후 3시 치과 예약 추가")  # the error in the command's language
    expect(wrong.locator("#answer[data-code=unauthorized]")).to_contain_text("API 키가 거절되었습니다")
    command(wrong, "add dentist appointment tomorrow at 3pm")
    expect(wrong.locator("#answer[data-code=unauthorized]")).to_contain_text("The API key was refused")
    wrong.context.close()
    keyless = open_page(browser, base, "")
    keyless.click("#settings summary")  # folded by the person; the refusal opens it again
    command(keyless, "내일 오후 3시 치과 예약 추가")
    expect(keyless.locator("#answer[data-code=unauthorized]")).to_contain_text("이 서비스는 API 키가 필요합니다")
    expect(keyless.locator("#settings")).to_have_attribute("open", "")
    keyless.context.close()

    limited = open_page(browser, base, new_key(settings, rate_limit_per_minute=1))
    limited.select_option("#engine", "llm")
    command(limited, "다음주에 뭐 있는지 알려줄래")  # engine=llm on a service with no LLM
    expect(limited.locator("#answer[data-code=llm_unavailable]")).to_contain_text("지금은 쓸 수 있는 언어 모델이 없고")
    # The limit counts per clock minute: a third try covers the first two landing in two minutes.
    for _ in range(2):
        command(limited, "모레 오후 3시 치과 예약 추가")
        if limited.locator("#answer[data-code=rate_limited]").count():
            break
    expect(limited.locator("#answer[data-code=rate_limited]")).to_contain_text(
        re_compile(r"이 키의 요청이 너무 많습니다\. \d+초 뒤에 다시 시도하세요\.")
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
    for language, generic_start in (("en", "The service answered"), ("ko", "서비스가 500")):
        texts = limited.evaluate(
            """async ([codes, language]) => {
                const { ApiError, errorText } = await import('/playground/static/api.js');
                return codes.map((code) => errorText(new ApiError(500, code, 'boom', null, 7), language));
            }""",
            [codes, language],
        )
        generic = [code for code, text in zip(codes, texts, strict=True) if text.startswith(generic_start)]
        assert generic == []
        # One text a code (the two route errors share theirs, naming the code).
        assert len(set(texts)) == len(codes)
    limited.context.close()


def test_llm_path_against_a_fake_upstream(browser: Any) -> None:
    from playwright.sync_api import expect

    settings = make_settings(auth_disabled=False)
    with mock_model(assert_all_called=False) as upstream:
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

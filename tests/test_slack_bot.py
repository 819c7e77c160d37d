"""The Slack bot end to end: signed requests to a real server on loopback, a fake Slack Web API beside it."""

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import update

from app.db.connection import build_engine
from app.db.hosted_store import load_plans, save_plans, take_event
from app.db.models import SlackEvent
from app.main import create_app
from app.settings import Settings
from tests.conftest import make_settings
from tests.servers import free_port, serve_in_thread
from tests.slack_fake import SlackCalls, fake_slack_app, mention_event, sign

SECRET = "test-signing-secret"
TEAM = "T1"


@contextmanager
def bot_servers(calls: SlackCalls, *, workers: int = 1, **overrides: Any) -> Iterator[list[str]]:
    """The fake Slack API and `workers` Calendy servers (one database) with the bot mounted."""
    with ExitStack() as stack:
        slack_url = stack.enter_context(serve_in_thread(fake_slack_app(calls)))
        values: dict[str, Any] = {
            "llm_api_key": None,
            "llm_base_url": None,
            "confirm_threshold": 3,
            "slack_signing_secret": SECRET,
            "slack_bot_token": "xoxb-test",
            "slack_api_url": f"{slack_url}/api/",
            **overrides,
        }
        urls = [
            stack.enter_context(serve_in_thread(create_app(settings=make_settings(**values)))) for _ in range(workers)
        ]
        yield urls


@pytest.fixture(scope="module")
def slack() -> Iterator[tuple[str, SlackCalls]]:
    calls = SlackCalls()
    with bot_servers(calls, public_url="https://calendy.example.com") as urls:
        yield urls[0], calls


def _user() -> str:
    return "U" + uuid.uuid4().hex[:10].upper()


def _event_id() -> str:
    return "Ev" + uuid.uuid4().hex[:12]


def post_signed(url: str, body: str, *, content_type: str = "application/json", **headers: str) -> httpx.Response:
    """POST /slack/events with a valid v0 signature (plus any header given)."""
    signed = {"content-type": content_type, **sign(body, secret=SECRET), **headers}
    return httpx.post(f"{url}/slack/events", content=body.encode(), headers=signed, timeout=10)


def mention(url: str, text: str, *, user: str, ts: str | None = None, event_id: str | None = None) -> httpx.Response:
    body = mention_event(text, event_id=event_id or _event_id(), user=user, ts=ts or f"{time.time():.6f}")
    return post_signed(url, body)


def click(
    url: str, action_id: str, value: str, *, user: str, message_ts: str, thread_ts: str = "", channel: str = "C1"
) -> httpx.Response:
    """A block_actions payload, as Slack posts a button press (form-encoded `payload`)."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM},
        "team": {"id": TEAM},
        "api_app_id": "A1",
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": message_ts},
        "message": {"ts": message_ts, "text": "⚠️", "thread_ts": thread_ts or message_ts},
        "trigger_id": "1.2.3",
        "actions": [{"type": "button", "action_id": action_id, "value": value, "block_id": "b"}],
    }
    body = httpx.QueryParams({"payload": json.dumps(payload, ensure_ascii=False)}).__str__()
    return post_signed(url, body, content_type="application/x-www-form-urlencoded")


def replies(calls: SlackCalls, method: str, *, count: int, **match: Any) -> list[dict[str, Any]]:
    """The calls of `method` whose fields match, once there are `count` of them (or the wait ran out)."""
    deadline = time.monotonic() + 15
    while True:
        found = [p for p in calls.of(method) if all(p.get(k) == v for k, v in match.items())]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def stored(user: str) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        engine = build_engine(make_settings())
        try:
            return (await load_plans(engine=engine, team_id=TEAM, user_id=user)).document
        finally:
            await engine.dispose()

    return asyncio.run(read())


def titles(user: str) -> list[str]:
    return sorted(str(row["title"]) for row in stored(user).get("TODO", []))


def button(reply: dict[str, Any], action_id: str) -> str:
    """The value of a reply's button."""
    blocks = reply["blocks"] if isinstance(reply["blocks"], list) else json.loads(reply["blocks"])
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {blocks}")


def test_url_verification_is_answered(slack: tuple[str, SlackCalls]) -> None:
    url, _ = slack
    response = post_signed(url, json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"}))
    assert response.status_code == 200
    assert "c-123" in response.text


def test_bad_signatures_and_stale_timestamps_are_401_and_run_nothing(slack: tuple[str, SlackCalls]) -> None:
    url, calls = slack
    user = _user()
    body = mention_event("내일 8시 알골 과제 추가", event_id=_event_id(), user=user, ts="1600.0001")
    forged = {"content-type": "application/json", **sign(body, secret="not-the-secret")}
    assert httpx.post(f"{url}/slack/events", content=body.encode(), headers=forged).status_code == 401
    stale = {"content-type": "application/json", **sign(body, secret=SECRET, timestamp=int(time.time()) - 600)}
    assert httpx.post(f"{url}/slack/events", content=body.encode(), headers=stale).status_code == 401
    unsigned = httpx.post(f"{url}/slack/events", content=body.encode(), headers={"content-type": "application/json"})
    assert unsigned.status_code == 401
    time.sleep(0.5)
    assert titles(user) == []
    assert [p for p in calls.of("chat.postMessage") if p.get("thread_ts") == "1600.0001"] == []


def test_a_mention_adds_a_plan_in_the_persons_time_zone_and_replies_in_the_thread(
    slack: tuple[str, SlackCalls],
) -> None:
    url, calls = slack
    user = _user()
    # UTC+14: "내일" is a different day than in UTC for ten hours of every day.
    calls.zones[user] = "Pacific/Kiritimati"
    started = time.monotonic()
    response = mention(url, "내일 8시 알골 과제 추가", user=user, ts="1700.0001")
    assert response.status_code == 200 and time.monotonic() - started < 3
    [reply] = replies(calls, "chat.postMessage", count=1, channel="C1", thread_ts="1700.0001")
    # The Undo button is named as the user guide names it (a help answer points the person to it).
    assert '"실행 취소"' in json.dumps(reply["blocks"], ensure_ascii=False)
    tomorrow = (datetime.now(ZoneInfo("Pacific/Kiritimati")) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert [(r["title"], r["due_time"]) for r in stored(user)["TODO"]] == [("알골 과제", f"{tomorrow} 08:00:00")]
    assert reply["text"].startswith("✅ 추가: 알골 과제 — ") and reply["text"].endswith(" 08:00")
    mention(url, "알골 과제 보여줘", user=user, ts="1700.0002")
    [listed] = replies(calls, "chat.postMessage", count=1, channel="C1", thread_ts="1700.0002")
    assert "알골 과제" in listed["text"]
    # The time zone was asked once and then reused.
    assert len([p for p in calls.of("users.info") if p.get("user") == user]) == 1


def test_a_direct_message_works_and_edits_and_bot_posts_are_ignored(slack: tuple[str, SlackCalls]) -> None:
    url, calls = slack
    user, channel = _user(), "D" + uuid.uuid4().hex[:8].upper()

    def dm(text: str, **extra: Any) -> None:
        event = {"type": "message", "channel_type": "im", "channel": channel, "user": user, "text": text,
                 "ts": f"{time.time():.6f}", **extra}  # fmt: skip
        body = {"type": "event_callback", "team_id": TEAM, "event_id": _event_id(), "event": event}
        assert post_signed(url, json.dumps(body, ensure_ascii=False)).status_code == 200

    dm("모레 9시 운영체제 숙제 추가", subtype="message_changed")
    dm("모레 9시 운영체제 숙제 추가", bot_id="BOTHER")
    dm("모레 9시 운영체제 숙제 추가")
    [reply] = replies(calls, "chat.postMessage", count=1, channel=channel)
    assert reply.get("thread_ts") is None and "운영체제 숙제" in reply["text"]
    time.sleep(0.5)
    assert len(replies(calls, "chat.postMessage", count=2, channel=channel)) == 1
    assert titles(user) == ["운영체제 숙제"]


def test_a_retried_event_runs_once_also_across_two_workers() -> None:
    calls = SlackCalls()
    user = _user()
    with bot_servers(calls, workers=2) as (first, second):
        body = mention_event("내일 8시 알골 과제 추가", event_id=_event_id(), user=user, ts="1800.0001")
        assert post_signed(first, body).status_code == 200
        assert (
            post_signed(first, body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).status_code
            == 200
        )
        assert post_signed(second, body, **{"X-Slack-Retry-Num": "2"}).status_code == 200
        replies(calls, "chat.postMessage", count=1, thread_ts="1800.0001")
        time.sleep(1.0)
        assert len(calls.of("chat.postMessage")) == 1
        assert titles(user) == ["알골 과제"]
        # Two commands of one person at once, one on each worker: both are kept.
        bodies = [
            mention_event(text, event_id=_event_id(), user=user, ts=ts)
            for text, ts in (
                ("모레 9시 운영체제 숙제 추가", "1800.0002"),
                ("모레 10시 네트워크 과제 추가", "1800.0003"),
            )
        ]
        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(post_signed, (first, second), bodies))
        assert [r.status_code for r in statuses] == [200, 200]
        replies(calls, "chat.postMessage", count=3)
    assert titles(user) == ["네트워크 과제", "알골 과제", "운영체제 숙제"]


def test_a_retry_reruns_an_event_whose_worker_died_after_taking_it(slack: tuple[str, SlackCalls]) -> None:
    url, calls = slack
    user, event_id = _user(), _event_id()

    async def crashed_claim() -> None:
        # A worker took the event ten minutes ago and never finished it (it died).
        engine = build_engine(make_settings())
        try:
            assert await take_event(engine=engine, event_id=event_id)
            async with engine.begin() as connection:
                stale = datetime.now(UTC) - timedelta(minutes=10)
                await connection.execute(
                    update(SlackEvent).where(SlackEvent.event_id == event_id).values(received_at=stale)
                )
        finally:
            await engine.dispose()

    asyncio.run(crashed_claim())
    body = mention_event("내일 8시 알골 과제 추가", event_id=event_id, user=user, ts="1850.0001")
    # A plain redelivery does not re-take it; Slack's retry does, and runs the command once.
    assert post_signed(url, body).status_code == 200
    time.sleep(0.5)
    assert titles(user) == []
    assert (
        post_signed(url, body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200
    )
    [reply] = replies(calls, "chat.postMessage", count=1, thread_ts="1850.0001")
    assert reply["text"].startswith("✅ 추가: 알골 과제")
    assert post_signed(url, body, **{"X-Slack-Retry-Num": "2"}).status_code == 200
    time.sleep(0.5)
    assert titles(user) == ["알골 과제"]
    assert len(replies(calls, "chat.postMessage", count=2, thread_ts="1850.0001")) == 1


def _seed_jumps(user: str, count: int = 4) -> list[dict[str, Any]]:
    todos = [{"id": i, "title": "줄넘기", "due_time": f"2030-01-0{i} 19:00:00", "complete": 0, "memo": None,
              "category_id": None, "priority": None} for i in range(1, count + 1)]  # fmt: skip
    todos.append({**todos[0], "id": 9, "title": "컴퓨터 구조 과제"})
    document = {"CATEGORY": [], "TODO": todos, "SCHEDULE": [], "calendy_undo": []}

    async def write() -> None:
        engine = build_engine(make_settings())
        try:
            assert await save_plans(engine=engine, team_id=TEAM, user_id=user, document=document, expected_version=0)
        finally:
            await engine.dispose()

    asyncio.run(write())
    return todos


def test_bulk_delete_waits_for_the_requesters_confirm_runs_once_and_undo_restores(
    slack: tuple[str, SlackCalls],
) -> None:
    url, calls = slack
    user, other = _user(), _user()
    before = _seed_jumps(user)
    mention(url, "줄넘기 전부 취소", user=user, ts="1900.0001")
    [held] = replies(calls, "chat.postMessage", count=1, thread_ts="1900.0001")
    assert held["text"].startswith("⚠️ 4개의 일정이 바뀝니다")
    pending_id = button(held, "calendy_confirm")
    assert titles(user).count("줄넘기") == 4

    # Someone else's Confirm does nothing but tell them so.
    click(url, "calendy_confirm", pending_id, user=other, message_ts=held["posted_ts"])
    [note] = replies(calls, "chat.postEphemeral", count=1, user=other)
    assert f"<@{user}>" in note["text"]
    assert titles(user).count("줄넘기") == 4

    # Confirm runs it once; a second press (or a retried click) does not run it again.
    assert click(url, "calendy_confirm", pending_id, user=user, message_ts=held["posted_ts"]).status_code == 200
    [done] = replies(calls, "chat.update", count=1, ts=held["posted_ts"])
    assert done["text"].count("🗑 삭제: 줄넘기") == 4
    assert titles(user) == ["컴퓨터 구조 과제"]
    click(url, "calendy_confirm", pending_id, user=user, message_ts=held["posted_ts"])
    replies(calls, "chat.postEphemeral", count=1, user=user)
    assert len(replies(calls, "chat.update", count=1, ts=held["posted_ts"])) == 1
    assert stored(user)["TODO"][0]["title"] == "컴퓨터 구조 과제"

    # Undo brings the four rows back exactly.
    undo = button(done, "calendy_undo")
    click(url, "calendy_undo", undo, user=user, message_ts=held["posted_ts"], thread_ts="1900.0001")
    [undone] = replies(calls, "chat.postMessage", count=2, thread_ts="1900.0001")[1:]
    assert undone["text"].startswith("↩ 되돌렸어요: 줄넘기 전부 취소")
    assert sorted(stored(user)["TODO"], key=lambda r: r["id"]) == sorted(before, key=lambda r: r["id"])


def test_cancel_runs_nothing_and_a_later_confirm_is_refused(slack: tuple[str, SlackCalls]) -> None:
    url, calls = slack
    user = _user()
    _seed_jumps(user)
    mention(url, "줄넘기 전부 취소", user=user, ts="1950.0001")
    [held] = replies(calls, "chat.postMessage", count=1, thread_ts="1950.0001")
    pending_id = button(held, "calendy_cancel")
    click(url, "calendy_cancel", pending_id, user=user, message_ts=held["posted_ts"])
    [cancelled] = replies(calls, "chat.update", count=1, ts=held["posted_ts"])
    assert cancelled["text"].startswith("취소했어요")
    click(url, "calendy_confirm", pending_id, user=user, message_ts=held["posted_ts"])
    replies(calls, "chat.postEphemeral", count=1, user=user)
    assert titles(user).count("줄넘기") == 4


def test_undo_of_an_added_plan_removes_it(slack: tuple[str, SlackCalls]) -> None:
    url, calls = slack
    user = _user()
    mention(url, "내일 8시 알골 과제 추가", user=user, ts="2000.0001")
    [added] = replies(calls, "chat.postMessage", count=1, thread_ts="2000.0001")
    assert titles(user) == ["알골 과제"]
    other = _user()
    click(url, "calendy_undo", button(added, "calendy_undo"), user=other, message_ts=added["posted_ts"])
    replies(calls, "chat.postEphemeral", count=1, user=other)
    assert titles(user) == ["알골 과제"]
    click(
        url,
        "calendy_undo",
        button(added, "calendy_undo"),
        user=user,
        message_ts=added["posted_ts"],
        thread_ts="2000.0001",
    )
    [_, undone] = replies(calls, "chat.postMessage", count=2, thread_ts="2000.0001")
    assert undone["text"] == "↩ 되돌렸어요: 내일 8시 알골 과제 추가"
    assert titles(user) == []


def test_a_summary_posts_a_briefing_and_a_question_gets_help(slack: tuple[str, SlackCalls]) -> None:
    url, calls = slack
    user = _user()
    mention(url, "내일 8시 알골 과제 추가", user=user, ts="2100.0001")
    replies(calls, "chat.postMessage", count=1, thread_ts="2100.0001")
    mention(url, "내일 일정 요약해줘", user=user, ts="2100.0002")
    [briefing] = replies(calls, "chat.postMessage", count=1, thread_ts="2100.0002")
    assert "알골 과제" in briefing["text"]
    assert json.dumps(briefing["blocks"], ensure_ascii=False).count("📋") == 1
    mention(url, "실행 취소는 어떻게 해?", user=user, ts="2100.0003")
    [help_reply] = replies(calls, "chat.postMessage", count=1, thread_ts="2100.0003")
    # Slack links only absolute URLs: the guide's section link is put under CALENDY_PUBLIC_URL.
    assert help_reply["text"].startswith("💡 ")
    assert "<https://calendy.example.com/docs/guide/ko#undo|" in help_reply["text"]
    mention(url, "비트코인 시세 알려줘", user=user, ts="2100.0004")
    [abstained] = replies(calls, "chat.postMessage", count=1, thread_ts="2100.0004")
    assert "다루지 않" in abstained["text"] and "<http" not in abstained["text"]
    # The local engine's not_understood message is English; a Korean speaker reads it in Korean.
    mention(url, "블라블라 음음 뭐시기", user=user, ts="2100.0005")
    [unknown] = replies(calls, "chat.postMessage", count=1, thread_ts="2100.0005")
    assert unknown["text"].startswith("이해하지 못했어요.")
    mention(url, "blah blah whatever", user=user, ts="2100.0006")
    [unknown_en] = replies(calls, "chat.postMessage", count=1, thread_ts="2100.0006")
    assert unknown_en["text"] == "The local engine did not understand this command."
    assert titles(user) == ["알골 과제"]


def test_service_errors_become_polite_replies_and_pending_changes_expire() -> None:
    calls = SlackCalls()
    user = _user()
    _seed_jumps(user)
    dead_llm = f"http://127.0.0.1:{free_port()}/v1"
    with bot_servers(calls, llm_api_key="sk-test", llm_base_url=dead_llm, slack_confirm_ttl_s=0.5) as (url,):
        mention(url, "블라블라 음음 뭐시기", user=user, ts="2200.0001")
        [sorry] = replies(calls, "chat.postMessage", count=1, thread_ts="2200.0001")
        assert sorry["text"].startswith("죄송해요")
        mention(url, "줄넘기 전부 취소", user=user, ts="2200.0002")
        [held] = replies(calls, "chat.postMessage", count=1, thread_ts="2200.0002")
        time.sleep(0.8)
        click(url, "calendy_confirm", button(held, "calendy_confirm"), user=user, message_ts=held["posted_ts"])
        [expired] = replies(calls, "chat.postEphemeral", count=1, user=user)
        assert "확인 시간이 지났어요" in expired["text"]
        # The held message itself loses its buttons, so nobody presses them again.
        [replaced] = replies(calls, "chat.update", count=1, ts=held["posted_ts"])
        assert replaced["text"].startswith("⌛ 확인 시간이 지나 실행하지 않았어요: 줄넘기 전부 취소")
        assert "calendy_confirm" not in json.dumps(replaced["blocks"])
    assert titles(user).count("줄넘기") == 4


def test_the_bot_is_absent_without_its_settings() -> None:
    settings: Settings = make_settings(llm_api_key=None, llm_base_url=None)
    assert not settings.slack_configured
    with serve_in_thread(create_app(settings=settings)) as url:
        assert httpx.post(f"{url}/slack/events", content=b"{}").status_code == 404


def test_with_api_keys_required_the_bot_still_works_and_v1_stays_closed() -> None:
    calls = SlackCalls()
    user = _user()
    with bot_servers(calls, auth_disabled=False, rate_limit_per_minute=1) as (url,):
        # The bot reaches /v1 in-process, past the key guard; a client from outside does not.
        assert httpx.post(f"{url}/v1/sql", json={"prompt": "x", "now": "2023-11-23 20:25:39"}).status_code == 401
        for n in range(2):
            mention(url, f"내일 {8 + n}시 알골 과제 {n} 추가", user=user, ts=f"2300.000{n}")
        replies(calls, "chat.postMessage", count=2)
    assert titles(user) == ["알골 과제 0", "알골 과제 1"]


def test_a_help_link_without_a_public_url_is_shown_as_its_path_not_a_broken_link() -> None:
    from app.slack.blocks import link_markup

    link = {"title": "Undo", "url": "/docs/guide/en#undo"}
    assert link_markup(link, public_url=None) == "Undo (`/docs/guide/en#undo`)"
    assert link_markup(link, public_url="https://c.example/") == "<https://c.example/docs/guide/en#undo|Undo>"


def test_a_help_answers_markdown_links_become_slack_links() -> None:
    from app.client.session import Outcome
    from app.slack.blocks import outcome_blocks

    helped = Outcome(kind="help", text="Press Undo. [Undo](/docs/guide/en#undo)", links=[])
    text, _ = outcome_blocks(helped, ko=False, user_id="U1", public_url="https://c.example")
    assert text == "💡 Press Undo. <https://c.example/docs/guide/en#undo|Undo>"


def test_the_fakes_press_finds_the_newest_button_still_shown_in_its_thread() -> None:
    # docs/slack.md presses buttons with `python -m tests.slack_fake press ...`: it must press what a person sees.
    from tests.slack_fake import latest_button

    held = [{"type": "actions", "elements": [{"type": "button", "action_id": "calendy_confirm", "value": "p1"}]}]
    undo = [{"type": "actions", "elements": [{"type": "button", "action_id": "calendy_undo", "value": "U1|r1"}]}]
    recorded: list[list[Any]] = [
        ["chat.postMessage", {"channel": "C1", "posted_ts": "9.1", "thread_ts": "5.0", "text": "⚠️", "blocks": held}],
    ]
    assert latest_button(recorded, "calendy_confirm") == ("p1", {"channel": "C1", "ts": "9.1", "text": "⚠️",
                                                                  "thread_ts": "5.0"})  # fmt: skip
    recorded.append(["chat.update", {"channel": "C1", "ts": "9.1", "text": "🗑", "blocks": json.dumps(undo)}])
    assert latest_button(recorded, "calendy_confirm") is None  # replaced: the button is gone
    assert latest_button(recorded, "calendy_undo") == ("U1|r1", {"channel": "C1", "ts": "9.1", "text": "🗑",
                                                                 "thread_ts": "5.0"})  # fmt: skip

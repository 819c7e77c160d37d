"""The client core on a real SQLite plans database against the real service (in-process and over HTTP)."""

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from app.client.plans import PlanStore
from app.client.service import ServiceClient, ServiceError, in_process_service, remote_service
from app.client.session import ClientSession, looks_like_question
from app.db.connection import build_engine
from app.db.keys import create_api_key
from app.main import create_app
from tests.conftest import fetch_rows, make_settings
from tests.servers import serve_in_thread

pytestmark = pytest.mark.anyio
SCHEMA = (Path(__file__).resolve().parents[1] / "prompts" / "schema.sql").read_text(encoding="utf-8")
NOW = datetime(2023, 11, 23, 20, 25, 39)


def _insert(table: str, columns: str, rows: list[str]) -> dict[str, str]:
    return {"sql": f"INSERT INTO {table} ({columns}) VALUES {', '.join(rows)}", "kind": "insert", "table": table}


def _store() -> PlanStore:
    """Two categories, six 줄넘기 and one 과제: enough for a bulk change."""
    store = PlanStore(path=":memory:", schema_sql=SCHEMA)
    jumps = [f"('줄넘기', '2023-11-{24 + day} 19:00:00', 2)" for day in range(6)]
    seed = [
        _insert("CATEGORY", "id, title", ["(1, '과제')", "(2, '운동')"]),
        _insert("TODO", "title, due_time, category_id", [*jumps, "('컴퓨터 구조 과제', '2023-11-24 23:59:59', 1)"]),
    ]
    store.apply(statements=seed, prompt="seed", request_id=None)
    return store


@pytest.fixture
async def service() -> AsyncIterator[ServiceClient]:
    app = create_app(settings=make_settings(llm_api_key=None, llm_base_url=None, confirm_threshold=3))
    async with in_process_service(app) as client:
        yield client


def _titles(store: PlanStore) -> list[str]:
    return [row["title"] for row in store.select("SELECT title FROM TODO ORDER BY id")]


async def test_add_then_undo_restores_exactly_and_reports_feedback(service: ServiceClient) -> None:
    store = _store()
    session = ClientSession(store=store, service=service, clock=lambda: NOW)
    before = store.select("SELECT * FROM TODO ORDER BY id")
    outcome = await session.command("내일 8시 알골 과제 추가")
    assert outcome.kind == "changed"
    added = store.select("SELECT * FROM TODO WHERE title = '알골 과제'")
    assert [row["due_time"] for row in added] == ["2023-11-24 08:00:00"]
    undone = await session.undo()
    assert undone.kind == "undone" and undone.text == "내일 8시 알골 과제 추가"
    assert store.select("SELECT * FROM TODO ORDER BY id") == before
    outcomes = {row["outcome"] for row in await fetch_rows("feedback", min_rows=2)}
    assert {"executed", "undone"} <= outcomes


async def test_bulk_delete_waits_for_confirmation_and_undo_brings_rows_back(service: ServiceClient) -> None:
    store = _store()
    session = ClientSession(store=store, service=service, clock=lambda: NOW)
    before = store.select("SELECT * FROM TODO ORDER BY id")
    held = await session.command("줄넘기 전부 취소")
    assert held.kind == "pending" and len(held.rows) == 6
    assert _titles(store).count("줄넘기") == 6
    assert session.cancel().kind == "cancelled"
    assert (await session.confirm()).kind == "message"
    assert _titles(store).count("줄넘기") == 6
    await session.command("줄넘기 전부 취소")
    done = await session.confirm()
    assert done.kind == "changed" and len(done.rows) == 6
    assert _titles(store) == ["컴퓨터 구조 과제"]
    await session.undo()
    assert store.select("SELECT * FROM TODO ORDER BY id") == before


async def test_select_returns_rows_and_history_carries_last_commands(service: ServiceClient) -> None:
    store = _store()
    session = ClientSession(store=store, service=service, clock=lambda: NOW)
    await session.command("내일 8시 알골 과제 추가")
    assert store.history()[-1]["prompt"] == "내일 8시 알골 과제 추가"
    assert store.history()[-1]["statements"][0].startswith("INSERT INTO TODO")
    shown = await session.command("줄넘기 보여줘")
    assert shown.kind in ("rows", "summary")
    assert {row["title"] for row in shown.rows} == {"줄넘기"}


async def test_summary_flow_selects_locally_then_briefs(service: ServiceClient) -> None:
    store = _store()
    session = ClientSession(store=store, service=service, clock=lambda: NOW)
    outcome = await session.command("내일 일정 요약해줘")
    assert outcome.kind == "summary"
    assert outcome.text


async def test_over_http_with_an_api_key_and_errors_become_service_errors() -> None:
    settings = make_settings(llm_api_key=None, llm_base_url=None, auth_disabled=False, rate_limit_per_minute=0)
    engine = build_engine(settings)
    try:
        key = await create_api_key(engine=engine, name="client-core")
    finally:
        await engine.dispose()
    with serve_in_thread(create_app(settings=settings)) as url:
        async with remote_service(url=url, api_key=key.secret) as client:
            store = _store()
            session = ClientSession(store=store, service=client, clock=lambda: NOW)
            assert (await session.command("내일 8시 알골 과제 추가")).kind == "changed"
            assert (await session.undo()).kind == "undone"
        async with remote_service(url=url, api_key="not-a-key") as client:
            session = ClientSession(store=_store(), service=client, clock=lambda: NOW)
            with pytest.raises(ServiceError) as raised:
                await session.command("내일 8시 알골 과제 추가")
    assert raised.value.code == "unauthorized"


async def test_a_question_the_command_service_does_not_understand_is_answered_from_the_guide(
    service: ServiceClient,
) -> None:
    session = ClientSession(store=_store(), service=service, clock=lambda: NOW)
    answered = await session.command("요약은 어떻게 해?")
    assert answered.kind == "help"
    assert answered.text and any("/docs/guide/ko" in link["url"] for link in answered.links)
    # Not a question: the command service's own message stays.
    declined = await session.command("블라블라 음음")
    assert declined.kind == "message" and declined.text == "The local engine did not understand this command."
    assert looks_like_question("how do I undo?") and looks_like_question("Calendy가 뭐야")
    assert not looks_like_question("내일 8시 알골 과제 추가")

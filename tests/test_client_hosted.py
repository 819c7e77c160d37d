"""Hosted plans: a person's rows in the service's database, commands on them, checked write-backs."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from app.client.hosted import CONFLICT_TEXT, HostedPlans, Person
from app.client.service import in_process_service
from app.client.session import ClientSession, Outcome
from app.db.engine import build_engine
from app.db.hosted import load_plans, save_plans
from app.main import create_app
from tests.conftest import fetch_rows, make_settings

pytestmark = pytest.mark.anyio
SCHEMA = (Path(__file__).resolve().parents[1] / "prompts" / "schema.sql").read_text(encoding="utf-8")
NOW = datetime(2023, 11, 23, 20, 25, 39)


@pytest.fixture
async def hosted() -> AsyncIterator[HostedPlans]:
    settings = make_settings(llm_api_key=None, llm_base_url=None, confirm_threshold=3)
    engine = build_engine(settings)
    try:
        async with in_process_service(create_app(settings=settings)) as service:
            yield HostedPlans(engine=engine, service=service, schema_sql=SCHEMA, clock=lambda: NOW)
    finally:
        await engine.dispose()


def _person() -> Person:
    return Person(team_id="T" + uuid.uuid4().hex[:8], user_id="U" + uuid.uuid4().hex[:8])


def _titles(document: dict[str, list[dict[str, object]]]) -> list[object]:
    return sorted(row["title"] for row in document.get("TODO", []))


def _command(prompt: str):  # type: ignore[no-untyped-def]
    async def act(session: ClientSession) -> Outcome:
        return await session.command(prompt)

    return act


async def test_a_command_is_kept_in_the_service_database_and_undone_later(hosted: HostedPlans) -> None:
    person = _person()
    added = await hosted.run(person, _command("내일 8시 알골 과제 추가"))
    assert added.kind == "changed"
    stored = await load_plans(engine=hosted.engine, team_id=person.team_id, user_id=person.user_id)
    assert stored.version == 1
    assert [(r["title"], r["due_time"]) for r in stored.document["TODO"]] == [("알골 과제", "2023-11-24 08:00:00")]
    listed = await hosted.run(person, _command("알골 과제 보여줘"))
    assert [row["title"] for row in listed.rows] == ["알골 과제"]
    # A read writes nothing back.
    assert (await load_plans(engine=hosted.engine, team_id=person.team_id, user_id=person.user_id)).version == 1

    async def undo(session: ClientSession) -> Outcome:
        return await session.undo()

    assert (await hosted.run(person, undo)).kind == "undone"
    assert _titles(await hosted.records(person)) == []
    other = _person()
    assert _titles(await hosted.records(other)) == []


async def test_two_concurrent_commands_on_one_person_keep_both_changes(hosted: HostedPlans) -> None:
    person = _person()
    loaded = 0
    both_loaded = asyncio.Event()

    def racing(prompt: str):  # type: ignore[no-untyped-def]
        async def act(session: ClientSession) -> Outcome:
            nonlocal loaded
            outcome = await session.command(prompt)
            loaded += 1
            if loaded >= 2:
                both_loaded.set()
            # Both first attempts finish on the same version before either writes: one must lose and retry.
            await asyncio.wait_for(both_loaded.wait(), timeout=10)
            return outcome

        return act

    first, second = await asyncio.gather(
        hosted.run(person, racing("내일 8시 알골 과제 추가")), hosted.run(person, racing("모레 9시 운영체제 숙제 추가"))
    )
    assert first.kind == second.kind == "changed"
    assert loaded == 3  # the loser ran its command again on the winner's rows
    stored = await load_plans(engine=hosted.engine, team_id=person.team_id, user_id=person.user_id)
    assert _titles(stored.document) == ["알골 과제", "운영체제 숙제"]
    assert stored.version == 2


async def test_a_person_whose_plans_keep_changing_gets_a_clear_message_and_loses_nothing(
    hosted: HostedPlans,
) -> None:
    person = _person()
    await hosted.run(person, _command("내일 8시 알골 과제 추가"))
    request_ids: list[str] = []

    async def interrupted(session: ClientSession) -> Outcome:
        outcome = await session.command("모레 9시 운영체제 숙제 추가")
        request_ids.append(session.deferred[0]["request_id"] if session.deferred else "")
        # Another worker writes this person's plans while the command runs, every time.
        stored = await load_plans(engine=hosted.engine, team_id=person.team_id, user_id=person.user_id)
        todos = stored.document["TODO"]
        document = {**stored.document, "TODO": [*todos, {**todos[0], "id": 100 + len(todos)}]}
        await save_plans(
            engine=hosted.engine,
            team_id=person.team_id,
            user_id=person.user_id,
            document=document,
            expected_version=stored.version,
        )
        return outcome

    outcome = await hosted.run(person, interrupted)
    assert outcome.kind == "error" and outcome.text == CONFLICT_TEXT
    stored = await load_plans(engine=hosted.engine, team_id=person.team_id, user_id=person.user_id)
    # The other writer's two rows are there; the command that lost both times is not.
    assert _titles(stored.document) == ["알골 과제", "알골 과제", "알골 과제"]
    assert len(request_ids) == 2 and all(request_ids)
    for request_id in request_ids:
        assert await fetch_rows("feedback", min_rows=1, timeout_s=0.3, request_id=request_id) == []

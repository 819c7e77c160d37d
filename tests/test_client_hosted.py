"""Hosted plans: a person's rows in the service's database, commands on them, checked write-backs."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.client.hosted import CONFLICT_TEXT, HostedPlans, Person
from app.client.service import in_process_service
from app.client.session import ClientSession, Outcome
from app.db.connection import build_engine
from app.db.hosted_store import finish_event, load_plans, save_plans, take_event
from app.db.models import SlackEvent
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


@pytest.mark.parametrize("existing", [False, True], ids=["first-write", "update"])
async def test_two_concurrent_commands_on_one_person_keep_both_changes(hosted: HostedPlans, existing: bool) -> None:
    # A person with no plans yet races on the insert (the primary key); one with plans on the
    # UPDATE ... WHERE version = n (the compare-and-set): both paths must let exactly one writer in.
    person = _person()
    if existing:
        await hosted.run(person, _command("글피 7시 헬스 추가"))
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
    assert _titles(stored.document) == ["알골 과제", "운영체제 숙제"] + (["헬스"] if existing else [])
    assert stored.version == 2 + existing


async def test_save_plans_lets_one_of_two_writers_of_the_same_version_in(hosted: HostedPlans) -> None:
    # The write itself is the compare-and-set: without `version = expected` in its WHERE both would win.
    person = _person()
    engine, team, user = hosted.engine, person.team_id, person.user_id
    assert await save_plans(engine=engine, team_id=team, user_id=user, document={"TODO": []}, expected_version=0)
    results = await asyncio.gather(
        *(
            save_plans(engine=engine, team_id=team, user_id=user, document={"TODO": [{"title": t}]}, expected_version=1)
            for t in ("a", "b")
        )
    )
    assert sorted(results) == [False, True]
    stored = await load_plans(engine=engine, team_id=team, user_id=user)
    assert stored.version == 2
    assert stored.document["TODO"] == [{"title": "a" if results[0] else "b"}]
    # A writer that read an older version is refused too, and the stored document stays.
    assert not await save_plans(engine=engine, team_id=team, user_id=user, document={}, expected_version=1)
    assert (await load_plans(engine=engine, team_id=team, user_id=user)).version == 2


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


async def _age_claim(engine: AsyncEngine, event_id: str) -> None:
    """Move an event's claim ten minutes back, as if its worker took it and died."""
    async with engine.begin() as connection:
        await connection.execute(
            update(SlackEvent)
            .where(SlackEvent.event_id == event_id)
            .values(received_at=datetime.now(UTC) - timedelta(minutes=10))
        )


async def test_a_retry_retakes_only_a_stale_claim_that_was_never_finished(hosted: HostedPlans) -> None:
    engine = hosted.engine
    crashed, finished = "Ev" + uuid.uuid4().hex, "Ev" + uuid.uuid4().hex
    for event_id in (crashed, finished):
        assert await take_event(engine=engine, event_id=event_id)
        # A second delivery, retry or not, while the first worker is still on it: nothing runs.
        assert not await take_event(engine=engine, event_id=event_id)
        assert not await take_event(engine=engine, event_id=event_id, retry=True)
    await finish_event(engine=engine, event_id=finished)
    for event_id in (crashed, finished):
        await _age_claim(engine, event_id)
    # Only a retry re-takes a stale claim, only an unfinished one, and of two retries at once one wins.
    assert not await take_event(engine=engine, event_id=crashed)
    assert not await take_event(engine=engine, event_id=finished, retry=True)
    retakes = await asyncio.gather(*(take_event(engine=engine, event_id=crashed, retry=True) for _ in range(2)))
    assert sorted(retakes) == [False, True]
    # The re-take is a fresh claim: the next retry finds it running again.
    assert not await take_event(engine=engine, event_id=crashed, retry=True)

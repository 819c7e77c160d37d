"""Exemplars are test data too: each is extracted, validated and executed against its own user data."""

import sqlite3

import pytest

from app.llm.exemplars import Exemplar, load_exemplars
from app.llm.extract import extract_answer
from app.schemas import SqlRequest
from app.settings import PROJECT_ROOT
from app.sqlcheck import check_sql
from app.sqlcheck.schema import load_client_schema

EXEMPLARS = load_exemplars(PROJECT_ROOT / "exemplars")
SCHEMA = load_client_schema(PROJECT_ROOT / "prompts" / "schema.sql")


def request_for(exemplar: Exemplar) -> SqlRequest:
    data = exemplar.user_data.model_dump()
    return SqlRequest.model_validate({**data, "prompt": exemplar.prompt})


def test_there_are_exemplars_of_every_status() -> None:
    assert {e.expect.status for e in EXEMPLARS} == {"ok", "no_such_plan", "not_understood"}
    assert len({e.name for e in EXEMPLARS}) == len(EXEMPLARS)


@pytest.mark.parametrize("exemplar", EXEMPLARS, ids=[e.name for e in EXEMPLARS])
def test_exemplar_is_valid_and_runs(exemplar: Exemplar) -> None:
    extracted = extract_answer(exemplar.answer)
    expected_kind = "sql" if exemplar.expect.status == "ok" else exemplar.expect.status
    assert extracted.kind == expected_kind
    if extracted.kind != "sql":
        return
    request = request_for(exemplar)
    checked = check_sql(sql=extracted.sql, request=request, schema=SCHEMA)
    assert checked, "an ok exemplar must hold statements"
    # Executed for real on a database built from the exemplar's own records.
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA.ddl)
    for category in request.categories:
        conn.execute("INSERT INTO CATEGORY (id, title) VALUES (?, ?)", (category.id, category.title))
    for todo in request.todos:
        conn.execute(
            "INSERT INTO TODO (id, title, due_time, complete, category_id) VALUES (?, ?, ?, ?, ?)",
            (todo.id, todo.title, todo.due_time, int(bool(todo.complete)), todo.category_id),
        )
    for schedule in request.schedules:
        conn.execute(
            "INSERT INTO SCHEDULE (id, title, start_time, end_time, category_id) VALUES (?, ?, ?, ?, ?)",
            (schedule.id, schedule.title, schedule.start_time, schedule.end_time, schedule.category_id),
        )
    before = conn.total_changes
    for statement in checked:
        conn.execute(statement.statement.sql)
    if any(s.statement.kind != "select" for s in checked):
        assert conn.total_changes > before, "a write exemplar must change something"

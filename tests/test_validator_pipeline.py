"""The validator judges what SQL does: correct-but-unusual answers pass and unsafe ones are refused, over HTTP."""

import json
from typing import Any

import httpx
import pytest
import respx

from app.engine_answer import EngineAnswer, LocalEngine
from app.schemas import SqlRequest
from tests.conftest import completion, make_settings, open_client

pytestmark = pytest.mark.anyio

NOW = "2024-06-05 10:00:00"  # a Wednesday
CONTEXT: dict[str, Any] = {
    "categories": [{"id": 1, "title": "과제"}, {"id": 2, "title": "운동"}],
    "todos": [
        {"id": 3, "title": "보고서", "due_time": "2024-06-05 18:00:00", "category_id": 1, "complete": False},
        {"id": 4, "title": "요가", "due_time": "2024-06-06 07:30:00", "category_id": 2, "complete": False},
        {"id": 8, "title": "요가", "due_time": "2024-06-08 07:30:00", "category_id": 2, "complete": True},
        {"id": 9, "title": "장보기", "due_time": "2024-06-09 20:00:00", "category_id": None, "complete": False},
    ],
    "schedules": [
        {"id": 4, "title": "팀 회의", "start_time": "2024-06-06 14:00:00",
         "end_time": "2024-06-06 15:00:00", "category_id": None},
        {"id": 6, "title": "동아리", "start_time": "2024-06-09 19:00:00",
         "end_time": "2024-06-09 21:00:00", "category_id": 1},
    ],
}  # fmt: skip

# (command, the model's answer): correct for the command, though not shaped like a literal row.
ACCEPTED = [
    ("보고서랑 장보기 금요일로 옮겨줘",
     "UPDATE TODO SET due_time = '2024-06-07 ' || substr(due_time, 12) WHERE id IN (3, 9);"),
    (
        "팀 회의 다음날 정산 추가",
        "INSERT INTO TODO (title, due_time) SELECT '정산', date(start_time, '+1 day') || ' 23:59:59' "
        "FROM SCHEDULE WHERE id = 4;",
    ),
    ("팀 회의 하루 미뤄", "UPDATE SCHEDULE SET start_time = datetime(start_time, '+1 day'), "
     "end_time = datetime(end_time, '+1 day') WHERE id = 4;"),
    ("이번주 할 일 보여줘", "SELECT * FROM TODO WHERE due_time >= '2024-06-03' AND due_time <= '2024-06-09 23:59:59';"),
    ("이번주 할 일 보여줘", "SELECT * FROM TODO WHERE due_time BETWEEN '2024-06-03' AND '2024-06-09 23:59:59';"),
    ("이번달 할 일 보여줘", "SELECT * FROM TODO WHERE due_time LIKE '2024-06%';"),
    ("일요일 할 일 보여줘", "SELECT * FROM TODO WHERE strftime('%w', due_time) = '0';"),
    ("요가 완료", "UPDATE TODO SET complete = 1 WHERE id IN (4, 8);"),
    ("할 일 모두 완료", "UPDATE TODO SET complete = 1 WHERE complete IN (0, 1);"),
    # A nullable column: p OR NOT p is not every row when p is NULL.
    ("과제 아닌 할 일 완료", "UPDATE TODO SET complete = 1 WHERE category_id = 1 OR NOT category_id = 1;"),
    ("과제 카테고리 할 일 금요일로 옮겨줘",
     "UPDATE TODO SET due_time = '2024-06-07 ' || substr(due_time, 12) WHERE category_id = 1;"),
    ("과제 할 일 금요일로 옮겨줘",
     "UPDATE TODO SET due_time = '2024-06-07 ' || substr(due_time, 12) WHERE category_id = 1;"),
    ("과제 일정 금요일로 옮겨줘",
     "UPDATE TODO SET due_time = '2024-06-07 ' || substr(due_time, 12) WHERE category_id = 1; "
     "UPDATE SCHEDULE SET start_time = '2024-06-07 ' || substr(start_time, 12), "
     "end_time = '2024-06-07 ' || substr(end_time, 12) WHERE category_id = 1;"),
    # 할 일 here is not the table: the meeting is named by id.
    ("할 일이 많아서 팀 회의 취소", "DELETE FROM SCHEDULE WHERE id = 4;"),
    ("할 일이 많아서 내일 회의 다 취소", "DELETE FROM SCHEDULE WHERE start_time LIKE '2024-06-06%';"),
    ("내일 할 일 그리고 팀 회의 다 지워", "DELETE FROM TODO WHERE due_time LIKE '2024-06-06%'; "
     "DELETE FROM SCHEDULE WHERE start_time LIKE '2024-06-06%';"),
    ("팀 회의 할 일로 바꿔", "INSERT INTO TODO (title, due_time) SELECT title, start_time FROM SCHEDULE WHERE id = 4; "
     "DELETE FROM SCHEDULE WHERE id = 4;"),
    ("요가를 스케줄로 바꿔", "INSERT INTO SCHEDULE (title, start_time, end_time, category_id) "
     "SELECT title, due_time, due_time, category_id FROM TODO WHERE id = 4; DELETE FROM TODO WHERE id = 4;"),
]  # fmt: skip

# (command, the model's answer, a fragment of the reason the repair prompt is given).
REFUSED = [
    ("요가 삭제", "DELETE FROM TODO WHERE title = '요가' OR 'a' = 'a';", "a condition on TODO.title"),
    ("보고서 완료", "UPDATE TODO SET complete = 1 WHERE id = 3 OR 'a' = 'a';",
     "'a' = 'a' is always true, so remove it"),
    ("보고서 완료", "UPDATE TODO SET complete = 1 WHERE 1 = 1;",
     "the command's words name '보고서' (TODO id 3): write WHERE id IN (3)"),
    ("뭐 완료", "UPDATE TODO SET complete = 1 WHERE 1 = 1;", "name the rows by id"),
    ("회의 취소", "DELETE FROM SCHEDULE WHERE 1 = 1;",
     "the command's words name '팀 회의' (SCHEDULE id 4): write WHERE id IN (4)"),
    ("과제 카테고리 할 일 완료", "UPDATE TODO SET complete = 1 WHERE 1 = 1;", "write WHERE category_id = 1"),
    # The category is the new value here, and 보고서 names the row.
    ("보고서 과제 카테고리로 바꿔", "UPDATE TODO SET category_id = 1 WHERE 1 = 1;",
     "(TODO id 3): write WHERE id IN (3)"),
    ("보고서 완료", "UPDATE TODO SET complete = 1 WHERE complete IN (0, 1);", "holds for every row"),
    ("보고서 삭제", "DELETE FROM TODO WHERE NOT due_time IS NULL;", "holds for every row"),
    ("보고서 삭제", "DELETE FROM TODO WHERE due_time IS NOT NULL OR id = 3;", "NOT due_time IS NULL is always true"),
    ("보고서 완료", "UPDATE TODO SET complete = 1 WHERE complete = 0 OR complete = 1;", "holds for every row"),
    ("보고서 완료", "UPDATE TODO SET complete = 1 WHERE id = id;", "holds for every row"),
    ("보고서 완료", "UPDATE TODO SET complete = 1 WHERE id IN (SELECT id FROM TODO);", "holds for every row"),
    ("보고서 삭제", "DELETE FROM TODO WHERE category_id IS NULL OR category_id IS NOT NULL;", "holds for every row"),
    ("보고서 복사", "INSERT INTO TODO (title, due_time) SELECT title, due_time FROM TODO WHERE 1 = 1;",
     "holds for every row"),
    ("요가 삭제", "DELETE FROM TODO WHERE title = '요가';", "'요가' is TODO id 4, 8, so write id IN (4, 8)"),
    ("보고서 삭제", "DELETE FROM TODO WHERE title = '보고서';", "'보고서' is TODO id 3, so write id IN (3)"),
    # A repeated plan: the command's one day word picks among its rows (a bare weekday: the coming one).
    ("토요일 요가 삭제", "DELETE FROM TODO WHERE title = '요가';", "and '토요일' picks id 8, so write id IN (8)"),
    ("내일 요가 완료", "UPDATE TODO SET complete = 1 WHERE 1 = 1;", "and '내일' picks id 4: write WHERE id IN (4)"),
    # 토요일로 is where the plan goes, not which one: no pick.
    ("요가 토요일로 옮겨", "UPDATE TODO SET due_time = '2024-06-08 07:30:00' WHERE title = '요가';",
     "so write id IN (4, 8), or the ones of those the command's time words pick"),
    ("요가 보여줘", "SELECT * FROM TODO WHERE title LIKE '%요가%';", "referred to by id"),
    ("보고서 금요일로", "UPDATE TODO SET due_time = '2024-06-07 ' || substr(due_time, 13) WHERE id = 3;",
     "every time written must be a valid"),
    ("팀 회의 끝나는 시간 1시로", "UPDATE SCHEDULE SET end_time = '2024-06-06 13:00:00' WHERE id = 4;",
     "ending (2024-06-06 13:00:00) before it starts"),
    ("보고서 내일로", "UPDATE TODO SET due_time = date(due_time, '+1 day') WHERE id = 3;",
     "every time written must be a valid"),
    ("과제 할 일 금요일로 옮겨줘",
     "UPDATE TODO SET due_time = '2024-06-07 ' || substr(due_time, 12) WHERE category_id = 1; "
     "UPDATE SCHEDULE SET start_time = '2024-06-07 ' || substr(start_time, 12), "
     "end_time = '2024-06-07 ' || substr(end_time, 12) WHERE category_id = 1;",
     "writes SCHEDULE rows, but the command is about TODO only"),
    ("과제 스케줄 삭제", "DELETE FROM TODO WHERE category_id = 1; DELETE FROM SCHEDULE WHERE category_id = 1;",
     "writes TODO rows, but the command is about SCHEDULE only"),
]  # fmt: skip


def body(prompt: str) -> dict[str, Any]:
    return {"prompt": prompt, "now": NOW, "engine": "llm", **CONTEXT}


@pytest.mark.parametrize(("prompt", "answer"), ACCEPTED, ids=[answer[:60] for _, answer in ACCEPTED])
async def test_correct_unusual_answers_are_accepted(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter, prompt: str, answer: str
) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(answer))
    response = await client.post("/v1/sql", json=body(prompt))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"
    assert route.call_count == 1  # accepted as first written: no repair


@pytest.mark.parametrize(("prompt", "answer", "reason"), REFUSED, ids=[answer[:60] for _, answer, _ in REFUSED])
async def test_unsafe_answers_are_refused_with_a_reason_the_repair_can_use(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter, prompt: str, answer: str, reason: str
) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(answer))
    response = await client.post("/v1/sql", json=body(prompt))
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert error["code"] == "llm_invalid_output"
    assert any(reason in text for text in error["details"]["reasons"]), error["details"]["reasons"]
    repair = json.loads(route.calls[1].request.content)["messages"][-1]["content"]
    assert reason in repair


# (the model's answer, the statement returned, a fragment of the note in `message` or None).
BOUNDS = [
    ("SELECT * FROM TODO WHERE due_time BETWEEN '2024-06-03' AND '2024-06-09'",
     "SELECT * FROM TODO WHERE due_time BETWEEN '2024-06-03' AND '2024-06-09 23:59:59'", "'2024-06-09 23:59:59'"),
    ("SELECT * FROM TODO WHERE due_time >= '2024-06-03' AND due_time <= '2024-06-09'",
     "SELECT * FROM TODO WHERE due_time >= '2024-06-03' AND due_time <= '2024-06-09 23:59:59'",
     "'2024-06-09 23:59:59'"),
    ("SELECT * FROM TODO WHERE '2024-06-09' >= due_time AND due_time >= '2024-06-03'",
     "SELECT * FROM TODO WHERE '2024-06-09 23:59:59' >= due_time AND due_time >= '2024-06-03'",
     "'2024-06-09 23:59:59'"),
    ("SELECT * FROM TODO WHERE due_time BETWEEN '2024-06-03 00:00' AND '2024-06-09 23:59'",
     "SELECT * FROM TODO WHERE due_time BETWEEN '2024-06-03 00:00' AND '2024-06-09 23:59:59'",
     "'2024-06-09 23:59:59'"),
    ("SELECT * FROM TODO WHERE due_time >= '2024-06-03' AND due_time < '2024-06-09 23:59:59'",
     "SELECT * FROM TODO WHERE due_time >= '2024-06-03' AND due_time <= '2024-06-09 23:59:59'",
     "read as inclusive (<=)"),
    ("DELETE FROM SCHEDULE WHERE start_time BETWEEN '2024-06-09' AND '2024-06-09'",
     "DELETE FROM SCHEDULE WHERE start_time BETWEEN '2024-06-09' AND '2024-06-09 23:59:59'",
     "'2024-06-09 23:59:59'"),
    ("SELECT * FROM SCHEDULE WHERE start_time BETWEEN '2024-06-06 14:00' AND '2024-06-06 15:00'",
     "SELECT * FROM SCHEDULE WHERE start_time BETWEEN '2024-06-06 14:00' AND '2024-06-06 15:00:59'",
     "'2024-06-06 15:00:59'"),
    # Exclusive upper bounds and date-prefix lower bounds are right as written: no correction, no note.
    ("SELECT * FROM TODO WHERE due_time >= '2024-06-03' AND due_time < '2024-06-10'",
     "SELECT * FROM TODO WHERE due_time >= '2024-06-03' AND due_time < '2024-06-10'", None),
    ("SELECT * FROM TODO WHERE due_time > '2024-06-05' AND due_time <= '2024-06-09 23:59:59'",
     "SELECT * FROM TODO WHERE due_time > '2024-06-05' AND due_time <= '2024-06-09 23:59:59'", None),
    ("SELECT * FROM TODO WHERE date(due_time) <= '2024-06-09'",
     "SELECT * FROM TODO WHERE DATE(due_time) <= '2024-06-09'", None),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "returned", "note"), BOUNDS, ids=[answer[25:85] for answer, _, _ in BOUNDS])
async def test_a_bound_dropping_part_of_the_last_day_is_corrected_and_said(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter, answer: str, returned: str, note: str | None
) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(answer + ";"))
    response = await client.post("/v1/sql", json=body("이번주 일정"))
    assert response.status_code == 200, response.text
    result = response.json()
    assert [s["sql"] for s in result["statements"]] == [returned]
    assert route.call_count == 1  # corrected, not sent back for repair
    if note is None:
        assert result["message"] is None
    else:
        assert note in result["message"]


async def test_a_corrected_bound_reaches_the_preview_and_the_last_days_rows(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter
) -> None:
    answer = "DELETE FROM TODO WHERE due_time >= '2024-06-08' AND due_time <= '2024-06-09';"
    llm_mock.post("/chat/completions").respond(json=completion(answer))
    response = await client.post("/v1/sql", json=body("주말 할 일 삭제"))
    assert response.status_code == 200, response.text
    (statement,) = response.json()["statements"]
    assert statement["preview_sql"].endswith("due_time <= '2024-06-09 23:59:59'")
    assert statement["sql"].endswith("due_time <= '2024-06-09 23:59:59'")


async def test_two_corrections_in_one_answer_are_both_said(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter
) -> None:
    answer = "SELECT * FROM TODO WHERE due_time BETWEEN '2024-06-03' AND '2024-06-09'; "
    answer += "SELECT * FROM SCHEDULE WHERE start_time >= '2024-06-03' AND start_time <= '2024-06-08';"
    llm_mock.post("/chat/completions").respond(json=completion(answer))
    response = await client.post("/v1/sql", json=body("이번주 일정 보여줘"))
    assert response.status_code == 200, response.text
    message = response.json()["message"]
    assert "'2024-06-09 23:59:59'" in message and "'2024-06-08 23:59:59'" in message


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("할 일 전부 삭제", "DELETE FROM TODO WHERE 1 = 1;"),
        ("요가 완료", "UPDATE TODO SET complete = 1 WHERE id IN (3, 4, 8, 9);"),
    ],
)
async def test_a_write_of_every_row_needs_confirmation(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter, prompt: str, answer: str
) -> None:
    llm_mock.post("/chat/completions").respond(json=completion(answer))
    response = await client.post("/v1/sql", json=body(prompt))
    assert response.status_code == 200, response.text
    assert response.json()["needs_confirmation"] is True


async def test_repair_turns_a_title_condition_into_ids(client: httpx.AsyncClient, llm_mock: respx.MockRouter) -> None:
    route = llm_mock.post("/chat/completions")
    route.side_effect = [
        httpx.Response(200, json=completion("DELETE FROM TODO WHERE title = '요가';")),
        httpx.Response(200, json=completion("DELETE FROM TODO WHERE id IN (4, 8);")),
    ]
    response = await client.post("/v1/sql", json=body("요가 삭제"))
    assert response.status_code == 200, response.text
    assert [s["ids"] for s in response.json()["statements"]] == [[4, 8]]


def local_answer(sql: str) -> LocalEngine:
    """A stand-in local engine that is sure of one answer whatever the command."""

    def run(*, request: SqlRequest) -> EngineAnswer:
        return EngineAnswer(status="ok", intent="update", sql=[sql])

    return run


@pytest.mark.parametrize(
    ("prompt", "local_sql"),
    [
        ("보고서 완료", "UPDATE TODO SET complete = 1 WHERE id = 3 OR 'a' = 'a'"),
        ("보고서 완료", "UPDATE TODO SET complete = 1 WHERE title = '보고서'"),
        ("과제 할 일 삭제", "DELETE FROM SCHEDULE WHERE category_id = 1"),
        ("보고서 금요일로", "UPDATE TODO SET due_time = '2024-06-07 ' || substr(due_time, 13) WHERE id = 3"),
    ],
)
async def test_the_local_engines_sql_meets_the_same_checks(
    llm_mock: respx.MockRouter, prompt: str, local_sql: str
) -> None:
    llm_mock.post("/chat/completions").respond(json=completion("UPDATE TODO SET complete = 1 WHERE id = 3;"))
    async for client in open_client(make_settings(), local_engine=local_answer(local_sql)):
        response = await client.post("/v1/sql", json={**body(prompt), "engine": "auto"})
        assert response.status_code == 200, response.text
        # Refused for the local engine as for a model, so the LLM answered instead.
        assert response.json()["engine"] == "llm"


async def test_the_local_engines_bounds_are_corrected_and_said(llm_mock: respx.MockRouter) -> None:
    sql = "SELECT * FROM TODO WHERE due_time BETWEEN '2024-06-03' AND '2024-06-09'"
    async for client in open_client(make_settings(), local_engine=local_answer(sql)):
        response = await client.post("/v1/sql", json={**body("이번주 할 일 보여줘"), "engine": "local"})
        result = response.json()
        assert result["engine"] == "local"
        assert result["statements"][0]["sql"].endswith("AND '2024-06-09 23:59:59'")
        assert "'2024-06-09 23:59:59'" in result["message"]

"""The LLM path carries the named days a command needs as resolved dates (real openai client, mocked upstream)."""

import json

import httpx
import pytest
import respx

from tests.conftest import completion, sql_request

pytestmark = pytest.mark.anyio

# (prompt, now, model reply, lines the user-data block must hold)
CASES = [
    (
        "설 연휴 일정 보여줘",
        "2026-01-10 10:00:00",
        "SELECT * FROM TODO WHERE due_time BETWEEN '2026-02-16 00:00:00' AND '2026-02-18 23:59:59';",
        ["- 설날 연휴 / Lunar New Year holidays: 2026-02-16 (Monday 월요일) to 2026-02-18 (Wednesday 수요일)"],
    ),
    (
        "음력 8월 15일 성묘 가기",
        "2024-01-01 10:00:00",
        "INSERT INTO TODO (title, due_time) VALUES ('성묘 가기', '2024-09-17 23:59:59');",
        ["- 음력 8월 15일 / lunar 8/15: 2024-09-17 (Tuesday 화요일)"],
    ),
    (
        "remind me to call grandma the day before Chuseok",
        "2025-10-07 09:00:00",  # this year's Chuseok (10/6) has passed: next year's
        "INSERT INTO TODO (title, due_time) VALUES ('call grandma', '2026-09-24 23:59:59');",
        ["- 추석 / Chuseok: 2026-09-25 (Friday 금요일)", "- 이번 주말 / this weekend: 2025-10-11 (Saturday 토요일)"],
    ),
]


@pytest.mark.parametrize(("prompt", "now", "reply", "lines"), CASES, ids=[case[0] for case in CASES])
async def test_user_data_carries_resolved_named_days(
    client: httpx.AsyncClient, llm_mock: respx.MockRouter, prompt: str, now: str, reply: str, lines: list[str]
) -> None:
    route = llm_mock.post("/chat/completions").respond(json=completion(reply))
    body = sql_request(prompt, engine="llm", now=now, todos=[], schedules=[])
    response = await client.post("/v1/sql", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"
    messages = json.loads(route.calls[0].request.content)["messages"]
    assert messages[-1] == {"role": "user", "content": prompt}
    data_block = messages[-2]["content"]
    for line in lines:
        assert line in data_block
    assert "Named days" in messages[0]["content"]  # the system prompt tells the model to use them

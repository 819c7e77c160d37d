"""Which rows of a repeated plan a command's day words pick, for the repair hint."""

import pytest

from app.schemas import SqlRequest
from app.sqlcheck.dayhint import rows_on_named_day

NOW = "2024-06-07 18:30:00"  # a Friday
ROWS = [(3, "2024-06-05 10:00:00"), (4, "2024-06-08 10:00:00"), (5, "2024-06-12 10:00:00")]  # Wed, Sat, next Wed

CASES = [
    ("Cancel yoga on Wednesday", ("Wednesday", [5])),  # a bare weekday: the coming one
    ("다음주 요가 취소", ("다음주", [5])),
    ("이번주 수요일 요가 취소", ("이번주 수요일", [3])),
    ("이번 주 수요일 요가 취소", ("이번 주 수요일", [3])),
    ("내일 요가 완료", ("내일", [4])),
    ("토요일 요가 수요일로 옮겨", ("토요일", [4])),  # 수요일로 is where it goes
    ("move saturday's yoga to wednesday", ("saturday", [4])),
    ("요가 완료", None),  # no day word
    ("월요일 요가 완료", None),  # picks none of the rows
    ("토요일이랑 수요일 요가 취소", None),  # two source days: no single pick
    ("오늘 요가 삭제", None),
]


@pytest.mark.parametrize(("prompt", "expected"), CASES, ids=[prompt for prompt, _ in CASES])
def test_day_words_pick_rows(prompt: str, expected: tuple[str, list[int]] | None) -> None:
    request = SqlRequest.model_validate(
        {"prompt": prompt, "now": NOW, "todos": [{"id": i, "title": "요가", "due_time": t} for i, t in ROWS]}
    )
    assert rows_on_named_day(request=request, records=request.todos, ids=[i for i, _ in ROWS]) == expected

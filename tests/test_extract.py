"""Extraction of SQL from what GPT-class models really write."""

import pytest

from app.llm.extract import extract_answer

INSERT = "INSERT INTO TODO (title, due_time) VALUES ('알골 과제', '2023-11-24 08:00:00')"

CASES = [
    # (model text, kind, expected sql or message)
    (INSERT + ";", "sql", INSERT + ";"),
    (INSERT, "sql", INSERT),
    (f"”{INSERT};”", "sql", INSERT + ";"),
    (f"{INSERT};”", "sql", INSERT + ";"),
    (f'"{INSERT};"', "sql", INSERT + ";"),
    (f"```sql\n{INSERT};\n```", "sql", INSERT + ";"),
    (f"```\n{INSERT}\n```", "sql", INSERT),
    (f"Here is the SQL for your request:\n{INSERT};", "sql", INSERT + ";"),
    (f"SQL: {INSERT};", "sql", INSERT + ";"),
    (f"{INSERT};\nThis adds the homework for tomorrow morning.", "sql", INSERT + ";"),
    (
        "DELETE FROM TODO WHERE id = 1;\nDELETE FROM TODO WHERE id = 2;",
        "sql",
        "DELETE FROM TODO WHERE id = 1;\nDELETE FROM TODO WHERE id = 2;",
    ),
    (
        "INSERT INTO TODO (title, due_time) VALUES ('a;b', '2023-11-24 08:00:00')",
        "sql",
        "INSERT INTO TODO (title, due_time) VALUES ('a;b', '2023-11-24 08:00:00')",
    ),
    (
        "INSERT INTO TODO (title, due_time) VALUES ('Mom''s day; party', '2023-11-24 08:00:00'); Done!",
        "sql",
        "INSERT INTO TODO (title, due_time) VALUES ('Mom''s day; party', '2023-11-24 08:00:00');",
    ),
    ("select * from TODO where id = 3", "sql", "select * from TODO where id = 3"),
    ("DROP TABLE TODO;", "sql", "DROP TABLE TODO;"),
    ("NO_SUCH_PLAN", "no_such_plan", None),
    ("”NO_SUCH_PLAN”", "no_such_plan", None),
    ("NOT_UNDERSTOOD: 일정과 관련 없는 요청입니다.", "not_understood", "일정과 관련 없는 요청입니다."),
    (
        "I'm sorry, I can only help with your calendar.",
        "not_understood",
        "I'm sorry, I can only help with your calendar.",
    ),
    ("", "not_understood", None),
    ("NOT_UNDERSTOOD: DROP TABLE is not something I do.", "not_understood", "DROP TABLE is not something I do."),
]


@pytest.mark.parametrize(("text", "kind", "expected"), CASES)
def test_extract_answer(text: str, kind: str, expected: str | None) -> None:
    answer = extract_answer(text)
    assert answer.kind == kind
    if kind == "sql":
        assert answer.sql == expected
    else:
        assert answer.sql == ""
        assert answer.message == expected

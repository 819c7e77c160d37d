"""The SQL validator accepts correct SQL and describes it: devset gold, common shapes, output fields."""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlglot import exp

from app.evaluation.cases import load_cases, request_from_case
from app.schemas import SqlRequest
from app.settings import PROJECT_ROOT
from app.sqlcheck import check_sql, load_client_schema
from app.sqlcheck.dialect import parse_sql

SCHEMA = load_client_schema(PROJECT_ROOT / "prompts" / "schema.sql")
DEVSET = Path("/work/shared/devset/devset.jsonl")
GOLD_CASES = [case for case in load_cases(DEVSET) if case["expect"].get("gold")] if DEVSET.exists() else []


def typical_request() -> SqlRequest:
    """3 categories, 10 todos, 5 schedules: the size of an ordinary request."""
    todos: list[dict[str, Any]] = [
        {
            "id": i,
            "title": f"할 일 {i}",
            "due_time": f"2023-11-{17 + i:02d} 09:00:00",
            "category_id": (None, 1, 2)[i % 3],
            "complete": i == 3,
        }
        for i in range(1, 11)
    ]
    todos[5]["memo"] = "초코 케이크"
    schedules = [
        {
            "id": i,
            "title": f"약속 {i}",
            "start_time": f"2023-11-{20 + i:02d} 12:00:00",
            "end_time": f"2023-11-{20 + i:02d} 13:00:00",
            "category_id": 3 if i == 2 else None,
        }
        for i in range(1, 6)
    ]
    return SqlRequest.model_validate(
        {
            "prompt": "test",
            "now": "2023-11-23 20:25:39",
            "categories": [{"id": 1, "title": "과제"}, {"id": 2, "title": "운동"}, {"id": 3, "title": "동아리"}],
            "todos": todos,
            "schedules": schedules,
        }
    )


@pytest.mark.parametrize("case", GOLD_CASES, ids=[case["id"] for case in GOLD_CASES])
def test_devset_gold_passes(case: dict[str, Any]) -> None:
    request = SqlRequest.model_validate(request_from_case(case))
    checked = check_sql(sql=case["expect"]["gold"], request=request, schema=SCHEMA)
    assert len(checked) == len(case["expect"]["gold"])


def test_devset_is_present() -> None:
    assert len(GOLD_CASES) >= 30


GOOD = [
    "SELECT * FROM TODO WHERE due_time LIKE '2023-11%'",
    "SELECT * FROM TODO WHERE due_time LIKE '2023%'",
    "UPDATE TODO SET complete = 1 WHERE id IN (1, 2, 3)",
    "UPDATE TODO SET complete = 0 WHERE id = 3",
    "INSERT INTO TODO (title, due_time) VALUES ('a;b', '2023-11-24 08:00:00')",
    "INSERT INTO TODO (title, due_time) VALUES ('Mom''s birthday', '2023-11-24 23:59:59')",
    "INSERT INTO TODO (title, due_time) VALUES ('x', '2023-11-24 08:00:00'); "
    "INSERT INTO TODO (title, due_time) VALUES ('x', '2023-12-01 08:00:00');",
    "INSERT INTO TODO (title, due_time, category_id, memo, priority) VALUES "
    "('a', '2023-11-24 08:00:00', NULL, 'm', 2), ('b', '2023-11-25 08:00:00', 1, NULL, NULL)",
    "INSERT INTO SCHEDULE (title, start_time, end_time, category_id) "
    "VALUES ('동아리 회의', '2023-11-25 15:00:00', '2023-11-25 17:00:00', 3)",
    "INSERT INTO TODO (title, due_time) VALUES ('택시', datetime((SELECT due_time FROM TODO WHERE id = 1), '+1 hour'))",
    "UPDATE TODO SET due_time = datetime(due_time, '+1 day') WHERE id = 4",
    "UPDATE SCHEDULE SET start_time = datetime(start_time, '+2 hours'), "
    "end_time = datetime(end_time, '+2 hours') WHERE id = 1",
    "UPDATE TODO SET due_time = date('2023-11-24') || substr(due_time, 11) WHERE category_id = 1",
    "UPDATE TODO SET category_id = NULL WHERE id = 5",
    "UPDATE TODO SET title = 'Vote at the library', memo = 'bring ID' WHERE id = 2",
    "DELETE FROM TODO WHERE category_id = 2 AND due_time BETWEEN '2023-11-20 00:00:00' AND '2023-11-26 23:59:59'",
    "DELETE FROM TODO WHERE id IN (7, 8) AND due_time LIKE '2023-11-24%'",
    "DELETE FROM CATEGORY WHERE id = 3",
    "DELETE FROM SCHEDULE WHERE id = 2",
    "SELECT * FROM TODO WHERE complete = 0 AND category_id = 1 ORDER BY due_time DESC LIMIT 5",
    "SELECT * FROM SCHEDULE WHERE date(start_time) = '2023-11-25'",
    "SELECT * FROM TODO WHERE strftime('%Y-%m', due_time) = '2023-11'",
    "SELECT * FROM TODO WHERE category_id IN (SELECT id FROM CATEGORY WHERE title = '과제')",
    "SELECT * FROM TODO WHERE category_id IS NULL OR category_id <> 2",
    "SELECT * FROM TODO WHERE memo LIKE '%케이크%' AND memo IS NOT NULL",
    "SELECT * FROM TODO WHERE lower(memo) = lower('A') COLLATE NOCASE",
    "SELECT * FROM TODO t WHERE t.id = 2 AND EXISTS (SELECT 1 FROM CATEGORY c WHERE c.id = t.category_id)",
    "SELECT count(*) AS n, max(due_time) FROM TODO WHERE complete = TRUE",
    "SELECT title, count(*) AS n FROM TODO GROUP BY title HAVING n > 1 ORDER BY n",
    "SELECT id, title, ifnull(memo, '') FROM TODO WHERE due_time >= '2023-11-20 00:00:00' "
    "AND due_time < '2023-11-27 00:00:00'",
    "SELECT * FROM SCHEDULE WHERE julianday(end_time) - julianday(start_time) > 0.04",
    "SELECT CASE WHEN complete = 1 THEN '완료' ELSE '미완료' END AS state, title FROM TODO",
    "select * from todo where ID = 3",
    "SELECT * FROM TODO WHERE id = 6;",
    "DELETE FROM TODO WHERE id = 1 -- the user said so",
]


@pytest.mark.parametrize("sql", GOOD)
def test_good_sql_passes(sql: str) -> None:
    checked = check_sql(sql=sql, request=typical_request(), schema=SCHEMA)
    for item in checked:
        assert not item.statement.sql.rstrip().endswith(";")
        assert "--" not in item.statement.sql


def test_conversion_runs_in_order_on_one_database() -> None:
    checked = check_sql(
        sql=[
            "INSERT INTO SCHEDULE (title, start_time, end_time, memo, category_id, priority) "
            "SELECT title, due_time, due_time, memo, category_id, priority FROM TODO WHERE id = 6",
            "DELETE FROM TODO WHERE id = 6",
            "SELECT * FROM SCHEDULE WHERE start_time = '2023-11-23 09:00:00'",
        ],
        request=typical_request(),
        schema=SCHEMA,
    )
    insert, delete, select = (item.statement for item in checked)
    assert (insert.kind, insert.table, insert.ids, insert.destructive, insert.preview_sql) == (
        "insert",
        "SCHEDULE",
        [6],
        False,
        None,
    )
    assert (delete.kind, delete.table, delete.ids, delete.destructive) == ("delete", "TODO", [6], True)
    assert delete.preview_sql == "SELECT * FROM TODO WHERE id = 6"
    assert (select.kind, select.table, select.ids, select.destructive) == ("select", "SCHEDULE", [], False)
    assert [item.changed_rows for item in checked] == [1, 1, 0]


# The dry run loads only the tables a statement names: one that reads another table still counts
# right, and a category id is accepted without the CATEGORY rows (no foreign keys enforced).
NAMED_TABLE_CHANGES = [
    ("DELETE FROM TODO WHERE category_id IN (SELECT id FROM CATEGORY WHERE title = '과제')", 4),
    ("UPDATE TODO SET category_id = 3 WHERE id = 1", 1),
    ("DELETE FROM SCHEDULE WHERE category_id = (SELECT id FROM CATEGORY WHERE title = '동아리')", 1),
    ("UPDATE SCHEDULE SET memo = (SELECT title FROM TODO WHERE id = 2) WHERE id = 3", 1),
    ("SELECT * FROM TODO WHERE category_id = 1", 0),
]


@pytest.mark.parametrize(("sql", "changed"), NAMED_TABLE_CHANGES)
def test_rows_changed_with_only_the_named_tables_loaded(sql: str, changed: int) -> None:
    (checked,) = check_sql(sql=sql, request=typical_request(), schema=SCHEMA)
    assert checked.changed_rows == changed


def test_statements_are_split_and_regenerated_without_semicolons() -> None:
    sql = "INSERT INTO TODO (title, due_time) VALUES ('a;b', '2023-11-24 08:00:00'); DELETE FROM TODO WHERE id = 1;"
    checked = check_sql(sql=sql, request=typical_request(), schema=SCHEMA)
    assert [item.statement.sql for item in checked] == [
        "INSERT INTO TODO (title, due_time) VALUES ('a;b', '2023-11-24 08:00:00')",
        "DELETE FROM TODO WHERE id = 1",
    ]


@pytest.mark.parametrize(
    ("sql", "regenerated"),
    [
        ("SELECT * FROM TODO WHERE id = 6;", "SELECT * FROM TODO WHERE id = 6"),
        ("DELETE FROM TODO WHERE id = 1 -- */ DROP TABLE TODO", "DELETE FROM TODO WHERE id = 1"),
        (
            "SELECT substr(title, 1, 2), ifnull(memo, '') FROM TODO",
            "SELECT SUBSTR(title, 1, 2), IFNULL(memo, '') FROM TODO",
        ),
        ("SELECT * FROM TODO WHERE complete = true", "SELECT * FROM TODO WHERE complete = 1"),
        (
            "SELECT * FROM TODO WHERE strftime('%Y-%m-%d %H', due_time) = '2023-11-18 09'",
            "SELECT * FROM TODO WHERE STRFTIME('%Y-%m-%d %H', due_time) = '2023-11-18 09'",
        ),
        (
            "INSERT INTO TODO (title, due_time) VALUES ('Mom''s birthday', '2023-11-24 23:59:59')",
            "INSERT INTO TODO (title, due_time) VALUES ('Mom''s birthday', '2023-11-24 23:59:59')",
        ),
        # Date functions whose names are also type keywords, nested calls, TRUE/FALSE anywhere.
        (
            "SELECT * FROM TODO WHERE date(due_time) = date('2023-11-24', '+1 day') AND complete = FALSE",
            "SELECT * FROM TODO WHERE DATE(due_time) = DATE('2023-11-24', '+1 day') AND complete = 0",
        ),
        (
            "SELECT lower(trim(title)), length(title) FROM TODO WHERE complete IN (TRUE, false)",
            "SELECT LOWER(TRIM(title)), LENGTH(title) FROM TODO WHERE complete IN (1, 0)",
        ),
        (
            "SELECT count(*) FROM SCHEDULE WHERE time(start_time) >= '09:00:00' AND datetime(end_time) > "
            "datetime('2023-11-24 00:00:00')",
            "SELECT COUNT(*) FROM SCHEDULE WHERE TIME(start_time) >= '09:00:00' AND DATETIME(end_time) > "
            "DATETIME('2023-11-24 00:00:00')",
        ),
    ],
)
def test_regenerated_sql(sql: str, regenerated: str) -> None:
    (item,) = check_sql(sql=sql, request=typical_request(), schema=SCHEMA)
    assert item.statement.sql == regenerated


@pytest.mark.parametrize(
    ("sql", "kind", "table", "ids", "preview", "changed"),
    [
        (
            "UPDATE TODO SET complete = 1 WHERE id IN (1, 2, 2)",
            "update",
            "TODO",
            [1, 2],
            "SELECT * FROM TODO WHERE id IN (1, 2, 2)",
            2,
        ),
        ("DELETE FROM TODO WHERE category_id = 1", "delete", "TODO", [], "SELECT * FROM TODO WHERE category_id = 1", 4),
        (
            "DELETE FROM TODO WHERE NOT id = 1 AND category_id = 1",
            "delete",
            "TODO",
            [],
            "SELECT * FROM TODO WHERE NOT id = 1 AND category_id = 1",
            3,
        ),
        (
            "UPDATE SCHEDULE SET title = 'x' WHERE 2 = id OR id = 3",
            "update",
            "SCHEDULE",
            [2, 3],
            "SELECT * FROM SCHEDULE WHERE 2 = id OR id = 3",
            2,
        ),
        (
            "SELECT * FROM TODO WHERE id = 4 AND category_id IN (SELECT id FROM CATEGORY WHERE id = 1)",
            "select",
            "TODO",
            [4],
            None,
            0,
        ),
        ("INSERT INTO TODO (title, due_time) VALUES ('a', '2023-11-24 08:00:00')", "insert", "TODO", [], None, 1),
        (
            "INSERT INTO TODO (title, due_time) SELECT title, start_time FROM SCHEDULE WHERE id IN (1, 2)",
            "insert",
            "TODO",
            [1, 2],
            None,
            2,
        ),
    ],
)
def test_statement_description(
    sql: str, kind: str, table: str, ids: list[int], preview: str | None, changed: int
) -> None:
    (item,) = check_sql(sql=sql, request=typical_request(), schema=SCHEMA)
    statement = item.statement
    assert (statement.kind, statement.table, statement.ids) == (kind, table, ids)
    assert statement.destructive == (kind in ("update", "delete"))
    assert statement.preview_sql == preview
    assert item.changed_rows == changed


def _tables_sqlite_touches(sql: str) -> set[str]:
    """The schema tables SQLite itself would read or write for `sql` (its authorizer, at compile time)."""
    touched: set[str] = set()

    def authorize(action: int, arg1: str | None, *_: object) -> int:
        if action in (sqlite3.SQLITE_READ, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_INSERT, sqlite3.SQLITE_DELETE):
            touched.add((arg1 or "").upper())
        return sqlite3.SQLITE_OK

    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA.ddl)
    conn.set_authorizer(authorize)
    conn.execute(f"EXPLAIN {sql}").fetchall()  # compiled, so authorized, but not run
    conn.close()
    return touched & set(SCHEMA.tables)


ACCEPTED = [
    *GOOD,
    *(sql for sql, _ in NAMED_TABLE_CHANGES),
    *(sql for case in GOLD_CASES for sql in case["expect"]["gold"]),
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_the_dry_run_loads_every_table_sqlite_touches(sql: str) -> None:
    # The dry run inserts records only for the tables the syntax tree names: every table SQLite
    # reads or writes for an accepted statement must be one of them, or counts would be wrong.
    for checked in check_sql(sql=sql, request=typical_request(), schema=SCHEMA):
        (node,) = parse_sql(checked.statement.sql)
        assert node is not None
        named = {table.name.upper() for table in node.find_all(exp.Table)}
        assert _tables_sqlite_touches(checked.statement.sql) <= named


def test_the_authorizer_sees_the_tables_a_subquery_reads() -> None:
    sql = "UPDATE TODO SET memo = 'x' WHERE category_id IN (SELECT id FROM CATEGORY WHERE title = '과제')"
    assert _tables_sqlite_touches(sql) == {"TODO", "CATEGORY"}


def test_the_result_checks_are_not_charged_to_the_statement_budget() -> None:
    # Checking 3,000 rows' times costs far more SQLite steps than the statements themselves.
    todos = [{"id": i, "title": f"t{i}", "due_time": "2023-11-24 09:00:00"} for i in range(1, 3001)]
    request = SqlRequest.model_validate({"prompt": "x", "now": "2023-11-23 20:25:39", "todos": todos})
    checked = check_sql(
        sql=[
            "UPDATE TODO SET due_time = datetime(due_time, '+1 day') WHERE id = 3",
            "INSERT INTO TODO (title, due_time) VALUES ('a', '2023-11-25 10:00:00')",
        ],
        request=request,
        schema=SCHEMA,
        max_steps=5_000,
    )
    assert [(item.changed_rows, item.whole_table) for item in checked] == [(1, False), (1, False)]

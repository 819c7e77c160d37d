"""The SQL validator rejects unsafe or wrong SQL, naming every problem; the dry run is guarded."""

import contextlib
import time

import pytest

from app.errors import SqlRejected
from app.schemas import SqlRequest
from app.settings import PROJECT_ROOT
from app.sqlcheck import check_sql, load_client_schema
from app.sqlcheck.shadow import dry_run

SCHEMA = load_client_schema(PROJECT_ROOT / "prompts" / "schema.sql")
INSERT = "INSERT INTO TODO (title, due_time) VALUES "


def small_request() -> SqlRequest:
    """Categories 1-2, todos 1-10, schedules 1-3."""
    return SqlRequest.model_validate(
        {
            "prompt": "test",
            "now": "2023-11-23 20:25:39",
            "categories": [{"id": 1, "title": "과제"}, {"id": 2, "title": "운동"}],
            "todos": [
                {"id": i, "title": f"할 일 {i}", "due_time": f"2023-11-{10 + i} 09:00:00", "category_id": 1}
                for i in range(1, 11)
            ],
            "schedules": [{"id": i, "title": f"약속 {i}"} for i in range(1, 4)],
        }
    )


def reasons_for(sql: str | list[str]) -> list[str]:
    with pytest.raises(SqlRejected) as caught:
        check_sql(sql=sql, request=small_request(), schema=SCHEMA)
    assert caught.value.reasons
    return caught.value.reasons


BAD = [
    ("DROP TABLE TODO", "not DROP"),
    ("ATTACH DATABASE '/tmp/x.db' AS x", "not ATTACH"),
    ("DETACH DATABASE x", "not DETACH"),
    ("PRAGMA table_info(TODO)", "not PRAGMA"),
    ("PRAGMA writable_schema = 1", "not PRAGMA"),
    ("SELECT load_extension('/tmp/evil.so') FROM TODO", "load_extension() is not allowed"),
    ("REINDEX", "not REINDEX"),
    ("VACUUM", "not VACUUM"),
    ("ANALYZE", "not ANALYZE"),
    (INSERT.replace("INSERT", "REPLACE") + "('a', '2023-11-24 08:00:00')", "not REPLACE"),
    (INSERT.replace("INSERT", "INSERT OR REPLACE") + "('a', '2023-11-24 08:00:00')", "INSERT OR"),
    (INSERT.replace("INSERT", "INSERT OR IGNORE") + "('a', '2023-11-24 08:00:00')", "INSERT OR"),
    (INSERT + "('a', '2023-11-24 08:00:00') ON CONFLICT DO NOTHING", "ON CONFLICT"),
    (INSERT + "('a', '2023-11-24 08:00:00') RETURNING id", "RETURNING"),
    ("SELECT * FROM TODO; DROP TABLE TODO", "statement 2 (DROP TABLE TODO): only SELECT"),
    ("SELECT * FROM sqlite_master", "unknown table sqlite_master"),
    ("SELECT * FROM sqlite_schema", "unknown table sqlite_schema"),
    ("SELECT * FROM pragma_table_info('TODO')", "table-valued function"),
    ("SELECT * FROM main.TODO", "schema-qualified"),
    ("SELECT * FROM EVENTS", "unknown table EVENTS"),
    ("SELECT secret FROM TODO", "unknown column secret"),
    ("SELECT rowid FROM TODO", "unknown column rowid"),
    ("SELECT t.nope FROM TODO t", "unknown column nope of t"),
    ("UPDATE TODO SET secret = 1 WHERE id = 1", "unknown column secret of TODO"),
    (INSERT.replace("due_time", "secret") + "('a', 'b')", "unknown column secret of TODO"),
    ("UPDATE TODO SET complete = 1", "UPDATE needs a WHERE clause"),
    ("DELETE FROM TODO", "DELETE needs a WHERE clause"),
    ("DELETE FROM TODO WHERE 1 = 1", "holds for every row"),
    ("UPDATE TODO SET complete = 1 WHERE EXISTS (SELECT 1 FROM TODO)", "holds for every row"),
    ("DELETE FROM TODO WHERE id = 99", "TODO id 99 was not sent"),
    ("DELETE FROM SCHEDULE WHERE id IN (1, 4)", "SCHEDULE id 4 was not sent"),
    ("SELECT * FROM TODO WHERE id = -1", "TODO id -1 was not sent"),
    ("SELECT * FROM TODO WHERE category_id IN (SELECT id FROM CATEGORY WHERE id = 7)", "CATEGORY id 7 was not sent"),
    ("UPDATE TODO SET category_id = 9 WHERE id = 1", "CATEGORY id 9 was not sent"),
    (
        "INSERT INTO TODO (title, due_time, category_id) VALUES ('a', '2023-11-24 08:00:00', 9)",
        "CATEGORY id 9 was not sent",
    ),
    ("DELETE FROM TODO WHERE id > 3", "not with a range"),
    ("DELETE FROM TODO WHERE id BETWEEN 1 AND 3", "not with a range"),
    ("DELETE FROM TODO WHERE id + 0 = 99", "compare id columns directly"),
    ("DELETE FROM TODO WHERE id = 'abc'", "not an id"),
    ("SELECT * FROM TODO WHERE category_id = NULL", "IS NULL"),
    ("SELECT * FROM TODO WHERE due_time > datetime('now')", "'now'"),
    ("SELECT * FROM TODO WHERE due_time > date('NOW', 'localtime')", "'now'"),
    (INSERT + "('now', '2023-11-24 08:00:00')", "'now'"),
    ("SELECT * FROM TODO WHERE due_time > datetime()", "without a time"),
    ("SELECT * FROM TODO WHERE due_time > datetime(title)", "must be a time column"),
    ("SELECT * FROM TODO WHERE due_time > datetime(due_time, 'localtime')", "modifier 'localtime'"),
    ('SELECT * FROM TODO WHERE due_time > datetime("now")', "unknown column now"),
    ("SELECT CURRENT_TIMESTAMP FROM TODO", "CURRENT_TIMESTAMP"),
    ("SELECT * FROM TODO ORDER BY random()", "RANDOM() is not allowed"),
    ("SELECT randomblob(8) FROM TODO", "randomblob() is not allowed"),
    ("SELECT printf('%s', title) FROM TODO", "printf() is not allowed"),
    ("SELECT substring(title, 1) FROM TODO", "SUBSTRING() is not allowed"),
    ("SELECT iif(complete, 1, 0) FROM TODO", "is not allowed there"),
    (INSERT + "('a', '2023-13-01 25:00:00')", "malformed time literal '2023-13-01 25:00:00'"),
    (INSERT + "('a', '2023-11-18 9:00')", "malformed time literal '2023-11-18 9:00'"),
    (INSERT + "('a', '2023-11-18')", "due_time takes full times"),
    ("UPDATE TODO SET due_time = '2023-11-31 10:00:00' WHERE id = 1", "malformed time literal"),
    ("SELECT * FROM TODO WHERE due_time > 'tomorrow'", "or their prefixes"),
    ("SELECT * FROM TODO WHERE due_time > '2023-11-31'", "malformed time literal"),
    ("SELECT * FROM TODO WHERE lower(title) = lower('A') COLLATE NOCASE", "a condition on TODO.title"),
    ("SELECT * FROM TODO WHERE due_time LIKE '2023-13%'", "date prefixes"),
    ("SELECT * FROM TODO WHERE due_time LIKE '%11-18%'", "date prefixes"),
    ("SELECT * FROM TODO WHERE due_time = '18/11/2023'", "malformed time literal"),
    ("SELECT * FROM TODO WHERE title = '18/11/2023'", "a condition on TODO.title"),
    ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT * FROM TODO", "WITH"),
    ("WITH t AS (SELECT * FROM TODO) DELETE FROM TODO WHERE id = 1", "WITH"),
    ("INSERT INTO TODO (id, title, due_time) VALUES (100, 'a', '2023-11-24 08:00:00')", "must not set id"),
    ("INSERT INTO TODO VALUES (100, 'a', '2023-11-24 08:00:00', 0, NULL, NULL, NULL)", "must list its columns"),
    ("INSERT INTO TODO DEFAULT VALUES", "DEFAULT VALUES"),
    (INSERT + "('a')", "lists 2 columns but gives 1 values"),
    ("UPDATE TODO SET id = 50 WHERE id = 1", "must not change id"),
    ("UPDATE TODO SET title = 'x' FROM CATEGORY WHERE TODO.id = 1", "UPDATE ... FROM"),
    ("DELETE FROM TODO WHERE id = 1 LIMIT 1", "LIMIT in UPDATE/DELETE"),
    ("CREATE TABLE x (a TEXT)", "not CREATE"),
    ("CREATE TRIGGER t AFTER INSERT ON TODO BEGIN DELETE FROM TODO; END", "not CREATE"),
    ("ALTER TABLE TODO ADD COLUMN x TEXT", "not ALTER"),
    ("BEGIN", "not BEGIN"),
    ("COMMIT", "not COMMIT"),
    ("SAVEPOINT a", "not SAVEPOINT"),
    ("SELECT * FROM TODO a JOIN CATEGORY c ON a.category_id = c.id", "JOIN"),
    ("SELECT * FROM TODO, CATEGORY", "JOIN"),
    ("SELECT * FROM TODO UNION SELECT * FROM TODO", "not UNION"),
    ("SELECT * FROM (SELECT * FROM TODO)", "FROM must name one table"),
    ("SELECT * FROM TODO WHERE id = ?", "parameters"),
    ("SELECT row_number() OVER (ORDER BY id) FROM TODO", "not allowed: window functions"),
    ("SELECT 1", "a SELECT must read one of the tables"),
    ("SELECT x'00' FROM TODO", "not allowed: blob literals"),
    ("SELECT CAST(title AS BLOB) FROM TODO", "CAST to"),
    ("SELECT * FROM TODO WHERE title = 'a' COLLATE evil", "collation evil"),
    ("", "no SQL statement"),
    (";", "no SQL statement"),
    ("SELECT * FROM TODO WHERE", "does not parse"),
    ("SELECT * FROM TODO WHERE title = 'unterminated", "does not parse"),
    ("INSERT INTO TODO (due_time) VALUES ('2023-11-24 08:00:00')", "NOT NULL constraint failed: TODO.title"),
    ("UPDATE TODO SET complete = 1 WHERE id = 1 OR 1 = 1", "changed 10 rows but names only 1"),
    ("DELETE FROM TODO WHERE id = 2 OR category_id = 1", "changed 10 rows but names only 1"),
]


@pytest.mark.parametrize(("sql", "fragment"), BAD, ids=[sql[:50] or "empty" for sql, _ in BAD])
def test_bad_sql_is_rejected(sql: str, fragment: str) -> None:
    reasons = reasons_for(sql)
    assert any(fragment in reason for reason in reasons), reasons


def test_every_problem_is_listed_and_names_its_statement() -> None:
    reasons = reasons_for(["DELETE FROM TODO WHERE id = 99", "UPDATE TODO SET due_time = 'tomorrow'"])
    assert any(r.startswith("statement 1 (DELETE FROM TODO WHERE id = 99)") and "not sent" in r for r in reasons)
    assert any(r.startswith("statement 2 (UPDATE TODO SET") and "WHERE" in r for r in reasons)
    assert any(r.startswith("statement 2 (UPDATE TODO SET") and "full times" in r for r in reasons)


@pytest.mark.parametrize(
    "sql",
    [
        # A scalar function's name followed by "(" where it is no call: a name, a type, an alias.
        "INSERT INTO TODO AS date (title, due_time) VALUES ('a', '2023-11-24 08:00:00')",
        "INSERT INTO lower (title, due_time) VALUES ('a', '2023-11-24 08:00:00')",
        "SELECT CAST(title AS date(5)) FROM TODO",
        "SELECT * FROM TODO date(x)",
        # A string is no function name, quoted or not.
        "SELECT 'upper'(title) FROM TODO",
        "SELECT N'lower'(title) FROM TODO",
        'SELECT "lower"(title) FROM TODO',
        "SELECT `trim`(title) FROM TODO",
    ],
)
def test_function_names_out_of_place_are_refused_without_the_internal_mark(sql: str) -> None:
    reasons = reasons_for(sql)
    assert reasons
    assert not any("\x00" in reason for reason in reasons)


def test_a_nul_character_is_refused() -> None:
    # NUL marks the scalar calls inside the parser's token stream: no text may bring its own.
    (reason,) = reasons_for("SELECT * FROM TODO WHERE title = 'a\x00b'")
    assert reason.startswith("the SQL does not parse") and "NUL character" in reason


def test_parse_errors_of_several_texts_are_all_listed() -> None:
    reasons = reasons_for(["SELECT * FROM", "SELECT * FROM TODO", "DELETE FROM WHERE"])
    assert [r.split(" does not parse")[0] for r in reasons] == ["SQL text 1", "SQL text 3"]


def test_empty_list_is_rejected() -> None:
    assert reasons_for([]) == ["no SQL statement given"]


def test_dry_run_failure_names_the_statement() -> None:
    reasons = reasons_for([INSERT + "('a', '2023-11-24 08:00:00')", "INSERT INTO SCHEDULE (title) VALUES ('b')"])
    assert len(reasons) == 1
    assert reasons[0].startswith("statement 2 (INSERT INTO SCHEDULE (title) VALUES ('b'))")
    assert "NOT NULL constraint failed: SCHEDULE.start_time" in reasons[0]


# The dry run on its own, fed SQL that layer 1 would refuse: the authorizer and step budget hold.

RECURSIVE_BOMB = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
CROSS_JOIN_BOMB = "SELECT count(*) FROM TODO a, TODO b, TODO c, TODO d, TODO e, TODO f, TODO g"


def dry_run_reasons(sql: str, *, max_steps: int = 200_000) -> list[str]:
    started = time.perf_counter()
    with pytest.raises(SqlRejected) as caught:
        dry_run(statements=[sql], request=small_request(), schema=SCHEMA, max_steps=max_steps)
    assert time.perf_counter() - started < 5
    return caught.value.reasons


def test_recursive_cte_bomb_is_stopped() -> None:
    (reason,) = dry_run_reasons(RECURSIVE_BOMB)
    label, why = reason.split("): ", 1)
    assert label.startswith("statement 1 (WITH RECURSIVE")
    # Refused by the authorizer (a read of the CTE is no schema table) before the step budget runs out.
    assert why.startswith(("not allowed in the dry run", "stopped after"))


def test_cross_join_bomb_runs_out_of_steps() -> None:
    (reason,) = dry_run_reasons(CROSS_JOIN_BOMB, max_steps=50_000)
    assert "stopped after 50000 SQLite steps" in reason


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        ("PRAGMA writable_schema = 1", "PRAGMA"),
        ("ATTACH DATABASE ':memory:' AS x", "ATTACH"),
        ("SELECT * FROM sqlite_master", "READ sqlite_master"),
        ("SELECT random() FROM TODO", "FUNCTION random"),
        ("DROP TABLE TODO", "DROP TABLE"),
        ("CREATE TABLE x (a)", "CREATE TABLE"),
        ("BEGIN", "TRANSACTION"),
        ("DELETE FROM TODO WHERE id = 1; DROP TABLE TODO", "one statement at a time"),
    ],
)
def test_dry_run_authorizer_denies(sql: str, fragment: str) -> None:
    (reason,) = dry_run_reasons(sql)
    assert fragment in reason, reason


def test_dry_run_counts_changes_per_statement() -> None:
    changes = dry_run(
        statements=[
            "INSERT INTO SCHEDULE (title, start_time, end_time) "
            "SELECT title, due_time, due_time FROM TODO WHERE id = 2",
            "DELETE FROM TODO WHERE id = 2",
            "UPDATE SCHEDULE SET memo = 'x' WHERE title = '할 일 2'",
            "SELECT * FROM SCHEDULE",
        ],
        request=small_request(),
        schema=SCHEMA,
    )
    assert changes == [1, 1, 1, 0]


def test_dry_runs_do_not_see_each_other() -> None:
    new_row = "INSERT INTO TODO (title, due_time) VALUES ('leak', '2023-11-24 08:00:00')"
    assert dry_run(statements=[new_row], request=small_request(), schema=SCHEMA) == [1]
    touch = "UPDATE TODO SET memo = 'x' WHERE title = 'leak'"
    assert dry_run(statements=[touch], request=small_request(), schema=SCHEMA) == [0]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM TODO WHERE " + "(" * 3000 + "id = 1" + ")" * 3000,
        "SELECT * FROM TODO WHERE " + " OR ".join(["id = 1"] * 3000),
        "SELECT * FROM TODO WHERE " + "NOT " * 3000 + "id = 1",
    ],
    ids=["parentheses", "or-chain", "not-chain"],
)
def test_deep_nesting_is_rejected_not_crashed(sql: str) -> None:
    assert any("nested too deeply" in reason for reason in reasons_for(sql))


def test_records_that_do_not_fit_sqlite_are_rejected() -> None:
    request = small_request().model_copy(update={"todos": [small_request().todos[0].model_copy(update={"id": 2**70})]})
    with pytest.raises(SqlRejected, match="do not fit the client schema"):
        check_sql(sql="SELECT * FROM TODO", request=request, schema=SCHEMA)


# Each row's new title costs ~10,000 steps: the limit stops it after a few rows are written.
WRITE_BOMB = "UPDATE TODO SET memo = (SELECT count(*) FROM TODO a, TODO b, TODO c WHERE a.id <> TODO.id) WHERE id > 0"


ROLLBACK_INSERT = "INSERT OR ROLLBACK INTO TODO (id, title, due_time) VALUES (1, 'x', '2023-11-24 08:00:00')"


def test_a_statement_that_ends_the_transaction_stops_the_dry_run() -> None:
    with pytest.raises(SqlRejected) as caught:
        dry_run(statements=[ROLLBACK_INSERT, "DELETE FROM TODO WHERE id = 2"], request=small_request(), schema=SCHEMA)
    assert any("could not continue" in reason for reason in caught.value.reasons)


@pytest.mark.parametrize(
    "first",
    [
        ["DELETE FROM TODO WHERE id = 1", "INSERT INTO TODO (title, due_time) VALUES ('a', '2023-11-24 08:00:00')"],
        ["INSERT INTO SCHEDULE (title) VALUES ('b')"],  # fails: NOT NULL
        [WRITE_BOMB],  # interrupted by the step limit in the middle of a write
        # A conflict resolved by ROLLBACK ends the dry run's transaction; what follows would commit.
        [ROLLBACK_INSERT, "DELETE FROM TODO WHERE id = 2"],
    ],
)
def test_the_shadow_db_is_empty_again_for_the_next_request(first: list[str]) -> None:
    """Whatever a dry run did, the next one on this thread sees exactly its own request's rows."""
    with contextlib.suppress(SqlRejected):
        dry_run(statements=first, request=small_request(), schema=SCHEMA, max_steps=20_000)
    count = "UPDATE TODO SET complete = 1 WHERE complete IN (0, 1)"
    assert dry_run(statements=[count], request=small_request(), schema=SCHEMA) == [len(small_request().todos)]

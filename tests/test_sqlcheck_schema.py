"""The validator's schema comes from the DDL file; time-text rules; when a change needs confirmation."""

from pathlib import Path

import pytest

from app.errors import SqlRejected
from app.schemas import SqlRequest, Statement
from app.settings import PROJECT_ROOT
from app.sqlcheck import CheckedStatement, check_sql, load_client_schema, needs_confirmation
from app.sqlcheck.timetext import is_date_modifier, is_date_prefix_pattern, is_timestamp, is_valid_time_text

SCHEMA = load_client_schema(PROJECT_ROOT / "prompts" / "schema.sql")

OTHER_DDL = """
CREATE TABLE CATEGORY (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
CREATE TABLE TODO (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, due_time TEXT NOT NULL,
                   remind_time TEXT, complete INTEGER NOT NULL DEFAULT 0, category_id INTEGER,
                   FOREIGN KEY (category_id) REFERENCES CATEGORY(id));
"""


def request() -> SqlRequest:
    return SqlRequest.model_validate(
        {
            "prompt": "test",
            "now": "2023-11-23 20:25:39",
            "categories": [{"id": 1, "title": "과제"}],
            "todos": [{"id": 1, "title": "a"}, {"id": 2, "title": "b", "due_time": "2023-11-24 10:00:00"}],
            "schedules": [{"id": 5, "title": "c"}],
        }
    )


def test_default_schema_is_read_from_the_ddl() -> None:
    assert SCHEMA.ddl == (PROJECT_ROOT / "prompts" / "schema.sql").read_text(encoding="utf-8")
    assert SCHEMA.tables == {
        "CATEGORY": ("id", "title", "priority"),
        "TODO": ("id", "title", "due_time", "complete", "memo", "category_id", "priority"),
        "SCHEDULE": ("id", "title", "start_time", "end_time", "memo", "category_id", "priority"),
    }
    assert SCHEMA.time_columns == {"CATEGORY": (), "TODO": ("due_time",), "SCHEDULE": ("start_time", "end_time")}
    assert SCHEMA.id_columns["TODO"] == {"id": "TODO", "category_id": "CATEGORY"}
    assert SCHEMA.primary_keys == {"CATEGORY": "id", "TODO": "id", "SCHEDULE": "id"}


def test_another_deployment_changes_only_the_ddl(tmp_path: Path) -> None:
    path = tmp_path / "schema.sql"
    path.write_text(OTHER_DDL, encoding="utf-8")
    schema = load_client_schema(path)
    assert "SCHEDULE" not in schema.tables
    assert schema.time_columns["TODO"] == ("due_time", "remind_time")
    assert schema.id_columns["TODO"] == {"id": "TODO", "category_id": "CATEGORY"}
    ok = "UPDATE TODO SET remind_time = '2023-11-24 09:00:00', category_id = 1 WHERE id = 2"
    (checked,) = check_sql(sql=ok, request=request(), schema=schema)
    assert checked.changed_rows == 1
    bad = [
        "UPDATE TODO SET remind_time = '2023-11-24 09:00' WHERE id = 1",
        "UPDATE TODO SET category_id = 3 WHERE id = 1",
        "SELECT priority FROM TODO",
        "SELECT * FROM SCHEDULE",
    ]
    with pytest.raises(SqlRejected) as caught:
        check_sql(sql=bad, request=request(), schema=schema)
    reasons = " | ".join(caught.value.reasons)
    for fragment in ("malformed time literal", "CATEGORY id 3", "unknown column priority", "unknown table SCHEDULE"):
        assert fragment in reasons


def test_missing_times_are_filled_with_now_in_the_shadow_db() -> None:
    (checked,) = check_sql(
        sql="UPDATE TODO SET complete = 1 WHERE id = 1 AND due_time = '2023-11-23 20:25:39'",
        request=request(),
        schema=SCHEMA,
    )
    assert checked.changed_rows == 1


@pytest.mark.parametrize("ddl", ["CREATE TABLE (", "CREATE VIEW v AS SELECT 1", "CREATE TABLE T (a INTEGER) garbage"])
def test_unusable_ddl_is_refused(tmp_path: Path, ddl: str) -> None:
    path = tmp_path / "schema.sql"
    path.write_text(ddl, encoding="utf-8")
    with pytest.raises(ValueError, match="client schema"):
        load_client_schema(path)


@pytest.mark.parametrize(
    ("text", "timestamp", "valid"),
    [
        ("2023-11-18 09:00:00", True, True),
        ("2024-02-29 23:59:59", True, True),
        ("2023-02-29 10:00:00", False, False),
        ("2023-11-18 9:00", False, False),
        ("2023-11-18T09:00:00", False, False),
        ("2023-13-01 25:00:00", False, False),
        ("2023-11-18", False, True),
        ("2023-11", False, True),
        ("2023/11/18", False, False),
        ("18.11.2023", False, False),
        ("09:00:00", False, True),
        ("9:00", False, False),
        ("알골 과제", False, True),
        ("2023년 회고", False, True),
        ("3.5", False, True),
    ],
)
def test_time_text(text: str, timestamp: bool, valid: bool) -> None:
    assert is_timestamp(text) is timestamp
    assert is_valid_time_text(text) is valid


@pytest.mark.parametrize(
    ("pattern", "ok"),
    [
        ("2023-11-18%", True),
        ("2023-11%", True),
        ("2023%", True),
        ("2023-11-31%", False),
        ("2023-1%", False),
        ("%2023-11%", False),
        ("2023-11-18", False),
        ("2023-11-18 09%", False),
    ],
)
def test_date_prefix_patterns(pattern: str, ok: bool) -> None:
    assert is_date_prefix_pattern(pattern, wildcard="%") is ok


@pytest.mark.parametrize(
    ("modifier", "ok"),
    [
        ("+1 day", True),
        ("-2 hours", True),
        ("+30 minutes", True),
        ("start of month", True),
        ("weekday 0", True),
        ("+1 months", True),
        ("localtime", False),
        ("utc", False),
        ("now", False),
    ],
)
def test_date_modifiers(modifier: str, ok: bool) -> None:
    assert is_date_modifier(modifier) is ok


def checked(kind: str, table: str, changed: int) -> CheckedStatement:
    statement = Statement(sql="-", kind=kind, table=table, destructive=kind in ("update", "delete"))  # type: ignore[arg-type]
    return CheckedStatement(statement=statement, changed_rows=changed)


@pytest.mark.parametrize(
    ("items", "threshold", "expected"),
    [
        ([checked("update", "TODO", 5)], 5, False),
        ([checked("update", "TODO", 6)], 5, True),
        ([checked("update", "TODO", 3), checked("delete", "SCHEDULE", 3)], 5, True),
        ([checked("insert", "TODO", 30)], 5, False),
        ([checked("select", "TODO", 0)], 0, False),
        ([checked("delete", "CATEGORY", 1)], 5, True),
        ([checked("delete", "CATEGORY", 0)], 5, True),
        ([checked("update", "CATEGORY", 1)], 5, False),
        ([], 5, False),
    ],
)
def test_needs_confirmation(items: list[CheckedStatement], threshold: int, expected: bool) -> None:
    assert needs_confirmation(checked=items, threshold=threshold) is expected


def test_needs_confirmation_from_a_real_check() -> None:
    items = check_sql(sql="UPDATE TODO SET complete = 1 WHERE id = 1", request=request(), schema=SCHEMA)
    assert (items[0].changed_rows, items[0].whole_table) == (1, False)
    assert needs_confirmation(checked=items, threshold=0) is True
    assert needs_confirmation(checked=items, threshold=1) is False


def test_a_write_of_every_row_needs_confirmation_whatever_the_count() -> None:
    # A narrow condition that happens to match every row today is accepted, and still confirmed.
    items = check_sql(sql="UPDATE TODO SET complete = 1 WHERE id IN (1, 2)", request=request(), schema=SCHEMA)
    assert (items[0].changed_rows, items[0].whole_table) == (2, True)
    assert needs_confirmation(checked=items, threshold=5) is True

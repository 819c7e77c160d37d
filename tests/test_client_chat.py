"""`calendy chat` driven in a pseudo-terminal: an add, a bulk delete confirmed, an undo."""

import os
import sys
from pathlib import Path

import pexpect

import tests.conftest as conftest
from app.client.plans import PlanStore

ROOT = Path(__file__).resolve().parents[1]


def _seeded(path: Path) -> PlanStore:
    store = PlanStore(path=path, schema_sql=(ROOT / "prompts" / "schema.sql").read_text(encoding="utf-8"))
    rows = ", ".join(f"('줄넘기', '2030-01-{day:02d} 19:00:00')" for day in range(1, 7))
    store.apply(
        statements=[{"sql": f"INSERT INTO TODO (title, due_time) VALUES {rows}", "kind": "insert", "table": "TODO"}],
        prompt="seed",
        request_id=None,
    )
    return store


def _count(store: PlanStore, title: str) -> int:
    return len(store.select(f"SELECT id FROM TODO WHERE title = '{title}'"))


def test_chat_adds_confirms_a_bulk_delete_and_undoes(tmp_path: Path) -> None:
    db = tmp_path / "plans.db"
    store = _seeded(db)
    env = {
        **os.environ,
        "CALENDY_DATA_DIR": str(conftest.test_data_dir()),
        "CALENDY_DATABASE_URL": conftest.test_database_url(),
        "CALENDY_LLM_API_KEY": "",
        "OPENAI_API_KEY": "",
        "CALENDY_LLM_BASE_URL": "",
        "OPENAI_BASE_URL": "",
        "CALENDY_CONFIRM_THRESHOLD": "3",
        "CALENDY_LOG_LEVEL": "ERROR",
        "COLUMNS": "200",
    }
    child = pexpect.spawn(
        sys.executable, ["-m", "app.cli", "chat", "--db", str(db)], cwd=ROOT, env=env, encoding="utf-8", timeout=60
    )
    try:
        child.expect("calendy> ")
        child.sendline("내일 8시 알골 과제 추가")
        child.expect("INSERT INTO TODO")
        child.expect("calendy> ")
        assert _count(store, "알골 과제") == 1
        child.sendline("줄넘기 전부 취소")
        child.expect(r"changes 6 plan")
        child.expect(r"Confirm\? \[y/N\] ")
        assert _count(store, "줄넘기") == 6
        child.sendline("y")
        child.expect("DELETE FROM TODO")
        child.expect("calendy> ")
        assert _count(store, "줄넘기") == 0
        child.sendline("/undo")
        child.expect("undone: 줄넘기 전부 취소")
        child.expect("calendy> ")
        assert _count(store, "줄넘기") == 6 and _count(store, "알골 과제") == 1
        # A question about the product, not a command: answered from the guide, with its link.
        child.sendline("요약은 어떻게 해?")
        child.expect("💡 ")
        child.expect("/docs/guide/ko#")
        child.expect("calendy> ")
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
        store.close()

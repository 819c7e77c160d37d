"""Feedback whose request row is missing (lost in a crash) is kept, flagged orphaned, not refused forever."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert
from ulid import ULID

from app.db.connection import build_engine
from app.db.keys import create_api_key
from app.db.models import RequestLog
from app.settings import Settings
from app.training.feedback_pairs import load_feedback_rows
from tests import conftest
from tests.conftest import fetch_rows, make_settings, open_client, sql_request
from tests.servers import free_port

pytestmark = pytest.mark.anyio


def offline(**overrides: object) -> Settings:
    return make_settings(llm_api_key=None, llm_base_url=None, **overrides)


def minted(ago: timedelta) -> str:
    """A request id as the service mints them, `ago` in the past."""
    return str(ULID.from_datetime(datetime.now(UTC) - ago))


async def test_feedback_for_a_lost_request_row_is_kept_flagged_orphaned() -> None:
    settings = offline()
    lost = minted(timedelta(seconds=1))  # answered, then the worker was killed before the flush
    async for client in open_client(settings):
        response = await client.post(
            "/v1/feedback",
            json={"request_id": lost, "outcome": "corrected", "corrected_sql": "DELETE FROM TODO WHERE id = 12"},
        )
        executed = await client.post("/v1/feedback", json={"request_id": lost, "outcome": "executed"})
    assert response.status_code == 200, response.text
    body = response.json()
    # Without the request's records only the schema can be checked.
    assert (body["orphaned"], body["validation"], body["statements"][0]["ids"]) == (True, "schema", [12])
    assert executed.status_code == 200 and executed.json()["orphaned"] is True
    rows = await fetch_rows("feedback", settings=settings, min_rows=2, request_id=lost)
    assert sorted((row["outcome"], row["orphaned"]) for row in rows) == [("corrected", True), ("executed", True)]


async def test_feedback_for_a_logged_request_is_not_orphaned(offline_client: httpx.AsyncClient) -> None:
    answer = await offline_client.post("/v1/sql", json=sql_request("줄넘기 삭제", engine="local"))
    response = await offline_client.post(
        "/v1/feedback", json={"request_id": answer.json()["request_id"], "outcome": "executed"}
    )
    assert response.status_code == 200 and response.json()["orphaned"] is False
    [row] = await fetch_rows("feedback", id=response.json()["feedback_id"])
    assert row["orphaned"] is False


@pytest.mark.parametrize(
    "request_id",
    [
        minted(timedelta(days=31)),  # older than the retention: its row would be gone anyway
        minted(-timedelta(hours=1)),  # minted in the future: not an id of this service
        "not-a-request-id",
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZ",
    ],
)
async def test_ids_outside_the_window_are_still_refused(request_id: str) -> None:
    async for client in open_client(offline(log_retention_days=30)):
        response = await client.post("/v1/feedback", json={"request_id": request_id, "outcome": "executed"})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["request_id"]


async def test_with_retention_off_any_past_id_may_be_orphaned() -> None:
    async for client in open_client(offline(log_retention_days=0)):
        response = await client.post(
            "/v1/feedback", json={"request_id": minted(timedelta(days=400)), "outcome": "executed"}
        )
    assert response.status_code == 200 and response.json()["orphaned"] is True


async def test_training_uses_orphaned_feedback_only_when_a_row_of_its_key_turns_up() -> None:
    settings = offline(auth_disabled=False)
    engine = build_engine(settings)
    try:
        alice = await create_api_key(engine=engine, name="alice")
        bob = await create_api_key(engine=engine, name="bob")
        late, foreign = minted(timedelta(seconds=2)), minted(timedelta(seconds=2))
        async for client in open_client(settings):
            for request_id, key in ((late, alice), (foreign, bob)):
                response = await client.post(
                    "/v1/feedback",
                    json={"request_id": request_id, "outcome": "executed"},
                    headers={"authorization": f"Bearer {key.secret}"},
                )
                assert response.json()["orphaned"] is True
        # Both rows appear afterwards (written late by another worker): `late` is alice's own,
        # `foreign` is alice's too, so bob's feedback on it must not become training data.
        async with engine.begin() as connection:
            await connection.execute(
                insert(RequestLog),
                [{"request_id": rid, "created_at": datetime.now(UTC), "key_id": alice.info.id, "method": "POST",
                  "route": "/v1/sql", "http_status": 200, "latency_ms": 1.0} for rid in (late, foreign)],
            )  # fmt: skip
        used = {row.request_id for row in await load_feedback_rows(engine=engine)}
    finally:
        await engine.dispose()
    assert late in used
    assert foreign not in used


def test_after_a_real_kill_9_feedback_on_the_lost_answer_is_orphaned(tmp_path: Path) -> None:
    """`calendy serve` answers, is killed before its writer flushes, restarts: the feedback is kept."""
    port = free_port()
    env = {
        **os.environ,
        "CALENDY_DATA_DIR": str(tmp_path),
        "CALENDY_DATABASE_URL": conftest.test_database_url(),
        "CALENDY_AUTH_DISABLED": "true",
        "CALENDY_LLM_API_KEY": "",
        # The row waits in the queue far longer than the test takes: the kill loses it for sure.
        "CALENDY_LOG_FLUSH_INTERVAL_S": "600",
    }
    root = Path(__file__).resolve().parents[1]
    base = f"http://127.0.0.1:{port}"

    def serve() -> subprocess.Popen[bytes]:
        args = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
        process = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    return process
            assert process.poll() is None and time.monotonic() < deadline, "calendy serve did not start"
            time.sleep(0.2)

    process = serve()
    try:
        answer = httpx.post(f"{base}/v1/sql", json=sql_request("줄넘기 삭제", engine="local"), timeout=10)
        assert answer.status_code == 200
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process = serve()
        feedback = httpx.post(
            f"{base}/v1/feedback", json={"request_id": answer.json()["request_id"], "outcome": "executed"}, timeout=10
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert feedback.status_code == 200, feedback.text
    assert feedback.json()["orphaned"] is True

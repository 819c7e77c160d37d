"""Reliability soak: mixed load at a fixed rate, upstream faults, a kill -9 and a restart.

    python -m bench.soak --minutes 2 [--rate 40] [--workers 2]

Runs this worktree's `calendy serve` (SQLite, keys on) against the fake upstream and prints, every
few seconds, the requests sent, their statuses and the workers' RSS. The timeline: normal load;
upstream faults (500s, then a hanging model) from 30 % to 50 % of the run; at 50 % the service is
killed with SIGKILL and started again at once; feedback is then sent for the answers given just
before the kill. At the end (after a graceful stop) it counts the log rows against the answered
requests: the rows a crash lost, and what became of the feedback on them.
"""

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench._common import LLM_PROMPT, LOCAL_PROMPT, NOW, ROOT, command_line, free_port, machine, sql_body
from bench._procs import Child, proc_status, process_tree, service_env, spawn, start_upstream, wait_http

SUMMARY = {"now": NOW, "plans": [{"kind": "todo", "id": 12, "title": "줄넘기", "due_time": "2023-11-25 19:00:00"}]}


@dataclass
class Tally:
    """Everything the load saw."""

    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    # request id -> (monotonic time answered, route, status) of every answered request.
    answered: dict[str, tuple[float, str, int]] = field(default_factory=dict)
    sql_ok: list[str] = field(default_factory=list)
    sent: int = 0


def _serve(env: dict[str, str], port: int, workers: int) -> Child:
    args = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", str(workers)]
    return spawn("service", [*args, "--log-level", "warning"], env=env)


def _rss_mb(pid: int) -> list[int]:
    """RSS in MB of each process of the service (the supervisor first, then the workers)."""
    sizes = []
    for member in process_tree(pid):
        try:
            if b"resource_tracker" in Path(f"/proc/{member}/cmdline").read_bytes():
                continue
            sizes.append(round(proc_status(member).get("VmRSS", 0) / 1024))
        except OSError:
            continue
    return sizes


async def _one(client: httpx.AsyncClient, tally: Tally, key: str, rng: random.Random) -> None:
    auth = {"authorization": f"Bearer {key}"}
    pick = rng.random()
    route, body, headers = "/v1/sql", sql_body(LOCAL_PROMPT, "local"), auth
    if pick < 0.25:
        body = sql_body(LLM_PROMPT, "llm")
    elif pick < 0.35:
        route, body = "/v1/summary", {**SUMMARY, "engine": "llm"}
    elif pick < 0.40 and tally.sql_ok:
        route, body = "/v1/feedback", {"request_id": rng.choice(tally.sql_ok[-200:]), "outcome": "executed"}
    elif pick < 0.45:
        headers = {}  # no key: 401
    elif pick < 0.50:
        body = {**body, "now": "9999-12-31 23:59:59"}  # 422
    tally.sent += 1
    try:
        response = await client.post(route, json=body, headers=headers)
    except httpx.HTTPError as exc:
        tally.statuses[type(exc).__name__] += 1
        return
    tally.statuses[str(response.status_code)] += 1
    request_id = response.headers.get("x-request-id")
    if request_id:
        tally.answered[request_id] = (time.monotonic(), route, response.status_code)
        if route == "/v1/sql" and response.status_code == 200:
            tally.sql_ok.append(request_id)


async def _load(base: str, key: str, rate: float, seconds: float, tally: Tally, rng: random.Random) -> None:
    """Open loop: one request every 1/rate s, whatever the answers take (as real clients do)."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=base, timeout=15, limits=limits) as client:
        tasks: set[asyncio.Task[None]] = set()
        start = time.monotonic()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            task = asyncio.create_task(_one(client, tally, key, rng))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks)


def _fault(upstream: str, mode: str) -> None:
    httpx.get(f"{upstream.removesuffix('/v1')}/_bench/fault/{mode}", timeout=5).raise_for_status()


async def _feedback_after_crash(base: str, key: str, ids: list[str]) -> collections.Counter[str]:
    seen: collections.Counter[str] = collections.Counter()
    async with httpx.AsyncClient(base_url=base, timeout=15) as client:
        for request_id in ids:
            for _attempt in range(20):  # a worker of the new generation may still be starting
                try:
                    response = await client.post(
                        "/v1/feedback",
                        json={"request_id": request_id, "outcome": "executed"},
                        headers={"authorization": f"Bearer {key}"},
                    )
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.5)
            else:
                seen["unreachable"] += 1
                continue
            orphaned = response.status_code == 200 and response.json().get("orphaned")
            seen[f"{response.status_code}{' orphaned' if orphaned else ''}"] += 1
    return seen


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def main(argv: list[str] | None = None) -> None:
    """Run the soak and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second (open loop)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample-s", type=float, default=10.0, help="seconds between progress lines")
    args = parser.parse_args(argv)
    total_s = args.minutes * 60
    print(json.dumps({"command": command_line(), "machine": machine()}, ensure_ascii=False))
    upstream, upstream_base = start_upstream(latency_ms=50)
    data_dir = tempfile.mkdtemp(prefix="calendy-soak-")
    env = service_env(upstream_base=upstream_base, data_dir=data_dir, auth=True) | {
        "CALENDY_LLM_CIRCUIT_FAILURES": "5",
        "CALENDY_LLM_CIRCUIT_RESET_S": "5",
        "CALENDY_LLM_TIMEOUT_S": "2",
        "CALENDY_LLM_REQUEST_BUDGET_S": "4",
    }
    made = subprocess.run(
        [sys.executable, "-m", "app.cli", "keys", "create", "--name", "soak", "--rate-limit", str(10**9)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    key = made.stdout.strip().splitlines()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    service = _serve(env, port, args.workers)
    tally, rng = Tally(), random.Random(17)
    events: list[str] = []
    restart: dict[str, Any] = {}
    try:
        wait_http(service, f"{base}/healthz", timeout_s=90)

        async def timeline() -> None:
            nonlocal service
            load = asyncio.create_task(_load(base, key, args.rate, total_s, tally, rng))
            started = time.monotonic()
            marks = [(0.30, "500"), (0.40, "hang"), (0.50, "off")]
            next_sample, killed = 0.0, False
            while not load.done():
                elapsed = time.monotonic() - started
                if marks and elapsed >= marks[0][0] * total_s:
                    await asyncio.to_thread(_fault, upstream_base, marks[0][1])
                    events.append(f"{elapsed:6.1f}s upstream fault: {marks.pop(0)[1]}")
                if not killed and elapsed >= 0.5 * total_s:
                    killed = True
                    # Every process of the tree: the workers run in process groups of their own.
                    for pid in process_tree(service.proc.pid):
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                    service.proc.wait()
                    killed_at = time.monotonic()
                    events.append(f"{elapsed:6.1f}s kill -9 of the service ({args.workers} workers)")
                    service = _serve(env, port, args.workers)
                    await asyncio.to_thread(wait_http, service, f"{base}/healthz", 90)
                    restart["ready_s"] = round(time.monotonic() - killed_at, 1)
                    events.append(f"{time.monotonic() - started:6.1f}s ready again after {restart['ready_s']} s")
                    recent = [
                        rid
                        for rid, (at, route, status) in tally.answered.items()
                        if killed_at - at < 2.0 and route == "/v1/sql" and status == 200
                    ]
                    restart["feedback_ids"] = recent
                    restart["feedback"] = await _feedback_after_crash(base, key, recent)
                if elapsed >= next_sample:
                    next_sample += args.sample_s
                    statuses = dict(sorted(tally.statuses.items()))
                    print(f"t={elapsed:6.1f}s sent={tally.sent} rss_mb={_rss_mb(service.proc.pid)} {statuses}")
                await asyncio.sleep(0.2)

        asyncio.run(timeline())
    finally:
        service.stop()  # SIGTERM: the log writer drains before the database closes
        upstream.stop()
    db = Path(data_dir) / "calendy.db"
    logged = {row[0] for row in _rows(db, "SELECT request_id FROM request_log")}
    answered = tally.answered
    lost = [rid for rid in answered if rid not in logged]
    unauth = [rid for rid, (_, _, status) in answered.items() if status == 401]
    feedback = _rows(db, "SELECT orphaned, count(*) FROM feedback GROUP BY orphaned")
    shutil.rmtree(data_dir, ignore_errors=True)
    print("\n".join(events))
    print(
        json.dumps(
            {
                "requests_sent": tally.sent,
                "statuses": dict(sorted(tally.statuses.items())),
                "answered": len(answered),
                "request_log_rows": len(logged),
                "answered_without_row": len(lost),
                "answered_without_row_excluding_401": len([rid for rid in lost if answered[rid][2] != 401]),
                "401_answered": len(unauth),
                "401_rows": len([rid for rid in unauth if rid in logged]),
                "restart_ready_s": restart.get("ready_s"),
                "feedback_after_kill_on_last_2s_answers": dict(restart.get("feedback", {})),
                "feedback_rows_by_orphaned": {str(bool(flag)): count for flag, count in feedback},
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

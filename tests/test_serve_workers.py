"""`calendy serve --workers 2`: one SO_REUSEPORT socket per worker, replaced on a crash, stopped on SIGTERM."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.ops.serving import reuse_port_supported
from tests.conftest import test_data_dir, test_database_url
from tests.servers import free_port

pytestmark = pytest.mark.skipif(not reuse_port_supported(), reason="SO_REUSEPORT balancing is Linux-only")
# This checkout's code: the installed `calendy` script imports whatever tree the editable install names.
ROOT = Path(__file__).resolve().parents[1]
CALENDY = [sys.executable, "-m", "app.cli"]


def children(pid: int) -> list[int]:
    """Worker processes of the supervisor (multiprocessing's resource tracker left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"resource_tracker" not in cmdline:
            found.append(int(entry.name))
    return sorted(found)


def open_sockets(pid: int) -> int:
    """How many sockets a process holds open."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:
            continue
    return count


def listeners(port: int) -> int:
    """Sockets listening on a local TCP port (from /proc/net/tcp: state 0A is LISTEN)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for row in rows if row.split()[1].endswith(f":{port:04X}") and row.split()[3] == "0A")


def wait_for(condition: object, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start(port: int, **env: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "CALENDY_DATA_DIR": str(test_data_dir()),
        "CALENDY_DATABASE_URL": test_database_url(),
        "CALENDY_AUTH_DISABLED": "true",
        "CALENDY_LLM_API_KEY": "",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    args = [*CALENDY, "serve", "--workers", "2", "--port", str(port), "--graceful-timeout", "5"]
    return subprocess.Popen(args, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    process = start(port)
    base = f"http://127.0.0.1:{port}"
    workers: list[int] = []
    try:
        # Both workers listening: until the second one is up, the first takes every connection.
        wait_for(lambda: listeners(port) == 2 and healthy(base), timeout_s=60)
        workers = children(process.pid)
        yield process, base
    finally:
        workers += children(process.pid)
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in set(workers):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_connections_are_spread_over_both_workers(served: tuple[subprocess.Popen[bytes], str]) -> None:
    process, base = served
    workers = children(process.pid)
    before = {pid: open_sockets(pid) for pid in workers}
    port = int(base.rsplit(":", 1)[1])
    connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    try:
        for conn in connections:  # one request each, so every connection has been accepted
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            assert conn.recv(4096).startswith(b"HTTP/1.1 200")
        gained = {pid: open_sockets(pid) - before[pid] for pid in workers}
        # With one shared socket a burst like this can land on a single worker; 40 connections
        # hashed over two sockets all landing on one happens with probability 2^-39.
        assert all(count > 0 for count in gained.values()), gained
        assert sum(gained.values()) == 40
    finally:
        for conn in connections:
            conn.close()


def test_a_crashed_worker_is_replaced(served: tuple[subprocess.Popen[bytes], str]) -> None:
    process, base = served
    first, second = children(process.pid)
    time.sleep(5.5)  # past the start-up window: a crash now is a crash, not a failed start
    os.kill(first, signal.SIGKILL)
    port = int(base.rsplit(":", 1)[1])
    wait_for(lambda: first not in children(process.pid) and listeners(port) == 2)
    assert second in children(process.pid)
    assert healthy(base)
    assert process.poll() is None


def test_workers_stop_when_the_supervisor_is_killed(served: tuple[subprocess.Popen[bytes], str]) -> None:
    """A SIGKILLed supervisor cannot stop its workers: they notice and leave, freeing the port."""
    process, base = served
    workers = children(process.pid)
    process.kill()
    process.wait()
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), timeout_s=30)
    assert listeners(int(base.rsplit(":", 1)[1])) == 0


def test_sigterm_stops_every_worker(served: tuple[subprocess.Popen[bytes], str]) -> None:
    process, _ = served
    workers = children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_workers_that_cannot_start_stop_the_server(tmp_path: Path) -> None:
    process = start(free_port(), CALENDY_PROMPTS_DIR=str(tmp_path / "missing"))
    try:
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 3, process.stderr.read().decode() if process.stderr else ""


def test_a_second_server_on_the_same_port_is_refused(served: tuple[subprocess.Popen[bytes], str]) -> None:
    """SO_REUSEPORT would let a second copy (same user) share the port and take half the traffic."""
    _, base = served
    second = start(int(base.rsplit(":", 1)[1]))
    assert second.wait(timeout=60) == 1
    assert second.stderr is not None
    assert "Address already in use" in second.stderr.read().decode()


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process = start(taken.getsockname()[1])
        assert process.wait(timeout=60) != 0
        assert process.stderr is not None
        error = process.stderr.read().decode()
        assert "cannot listen on 127.0.0.1:" in error and "Address already in use" in error
        assert "Traceback" not in error

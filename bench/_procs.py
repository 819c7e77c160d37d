"""Benchmark subprocesses: the fake upstream and the service, their CPU and memory."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.settings import Settings
from bench._common import ROOT, free_port
from bench._load import Load, run_load_sync

# `python -m app.cli` from ROOT: the code of this checkout is what gets measured.
CALENDY = [sys.executable, "-m", "app.cli"]


@dataclass
class Child:
    """A subprocess in its own session, its output in a temporary file."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Any
    tmpdir: str | None = None

    def tail(self, lines: int = 30) -> str:
        """The last lines of its output."""
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM its process group, SIGKILL after 5 s."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()
        os.unlink(self.log.name)
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


def spawn(name: str, args: list[str], env: dict[str, str] | None = None) -> Child:
    """Start a process in a new session (so it and its workers stop together)."""
    log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return Child(name=name, proc=proc, log=log)


def wait_http(child: Child, url: str, timeout_s: float = 30.0) -> None:
    """Poll `url` until it answers 200; fail with the child's output if it dies or times out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if child.proc.poll() is not None:
            raise RuntimeError(f"{child.name} exited with {child.proc.returncode}:\n{child.tail()}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{child.name} did not answer {url} within {timeout_s} s:\n{child.tail()}")


def start_upstream(*, latency_ms: float, content: str | None = None) -> tuple[Child, str]:
    """The fake OpenAI-compatible upstream on a free port; returns it and its /v1 base URL."""
    port = free_port()
    args = [sys.executable, str(ROOT / "bench" / "fake_upstream.py"), "--port", str(port)]
    args += ["--latency-ms", str(latency_ms)]
    if content is not None:
        args += ["--content", content]
    child = spawn("upstream", args)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_http(child, f"{base}/models")
    except BaseException:
        child.stop()
        raise
    return child, base


@dataclass
class Service:
    """A running `calendy serve`: its process, base URL and the headers a request needs."""

    child: Child
    base: str
    headers: dict[str, str]


def service_env(*, upstream_base: str, data_dir: str, auth: bool) -> dict[str, str]:
    """The environment of a benchmarked service: the fake upstream, a throw-away database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALENDY_", "OPENAI_"))}
    env.update(
        OPENAI_BASE_URL=upstream_base,
        OPENAI_API_KEY="sk-bench",
        CALENDY_LLM_MODEL="fake-model",
        CALENDY_LLM_MAX_RETRIES="0",
        CALENDY_LLM_TIMEOUT_S="30",
        # A benchmark that overloads the upstream should see the errors, not an open circuit.
        CALENDY_LLM_CIRCUIT_FAILURES="1000000",
        CALENDY_DATA_DIR=data_dir,
        CALENDY_LOG_LEVEL="WARNING",
        # This checkout's code, not what the installed `calendy` script points at (an editable install elsewhere).
        PYTHONPATH=str(ROOT),
    )
    if not auth:
        env["CALENDY_AUTH_DISABLED"] = "true"
    return env


def create_key(env: dict[str, str]) -> str:
    """A fresh API key whose rate limit is never reached (the limiter still runs on every request)."""
    done = subprocess.run(
        [*CALENDY, "keys", "create", "--name", "bench", "--rate-limit", str(10**9)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"calendy keys create failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def start_service(
    *, upstream_base: str, workers: int = 1, auth: bool = True, settings: dict[str, str] | None = None
) -> Service:
    """`calendy serve` on a free port with its own temporary data dir, pointed at the upstream.

    With `auth` (the production default) an API key is created and sent; the per-key rate limiter
    and the request log run as in production. `settings`: more CALENDY_* variables to run with.
    """
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="calendy-bench-")
    env = service_env(upstream_base=upstream_base, data_dir=data_dir, auth=auth) | (settings or {})
    try:
        headers = {"authorization": f"Bearer {create_key(env)}"} if auth else {}
    except BaseException:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise
    args = [*CALENDY, "serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--workers", str(workers), "--log-level", "warning"]
    child = spawn("service", args, env=env)
    child.tmpdir = data_dir
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(child, f"{base}/healthz", timeout_s=60)
    except BaseException:
        child.stop()
        raise
    return Service(child=child, base=base, headers=headers)


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def _own_cpu_seconds(pid: int) -> float | None:
    """User+system CPU seconds of one process (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of `pid` and its descendants."""
    return sum(_own_cpu_seconds(member) or 0.0 for member in process_tree(pid))


def worker_cpu_seconds(pid: int) -> dict[int, float]:
    """Own CPU seconds of each descendant of `pid` (the service's workers), by pid."""
    seconds: dict[int, float] = {}
    for member in process_tree(pid)[1:]:
        try:
            if b"resource_tracker" in Path(f"/proc/{member}/cmdline").read_bytes():
                continue  # multiprocessing's helper beside spawned workers, not a worker
        except OSError:
            continue
        if (own := _own_cpu_seconds(member)) is not None:
            seconds[member] = own
    return seconds


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of one process, in kB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0])
    return values


# --- load ---------------------------------------------------------------------------------------


def cpu_under_load(pid: int, load: Load) -> dict[str, Any]:
    """Run `load` once to warm up, then again measured: requests, req/s and CPU ms per request of `pid`."""
    run_load_sync(load)
    before = cpu_seconds(pid)
    phase = run_load_sync(load)
    cpu = cpu_seconds(pid) - before
    if phase.errors:
        raise RuntimeError(f"errors under load: {phase.errors}")
    return {"requests": phase.count, "rps": round(phase.count / phase.elapsed_s), "cpu_ms": cpu / phase.count * 1000}


def in_process_settings(*, upstream_base: str, data_dir: str, **overrides: Any) -> Settings:
    """Settings of an app built in the benchmark's own process: the fake upstream, no retries."""
    values: dict[str, Any] = {
        "llm_base_url": upstream_base,
        "llm_api_key": "sk-bench",
        "llm_model": "fake-model",
        "llm_max_retries": 0,
        "data_dir": Path(data_dir),
    }
    return Settings(_env_file=None, **(values | overrides))

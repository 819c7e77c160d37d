"""Shared pieces of the benchmarks: the request context, subprocesses, load loops and statistics."""

import asyncio
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOW = "2023-11-23 20:25:39"
LLM_PROMPT = "줄넘기 11월 25일 거 삭제해줘"
LOCAL_PROMPT = "내일 오후 3시 치과 추가"

CONTEXT: dict[str, Any] = {
    "categories": [{"id": 1, "title": "과제"}, {"id": 2, "title": "운동"}, {"id": 3, "title": "동아리"}],
    "todos": [
        {"id": 11, "title": "컴퓨터 구조 과제", "due_time": "2023-11-24 23:59:59", "category_id": 1, "complete": False},
        {"id": 12, "title": "줄넘기", "due_time": "2023-11-25 19:00:00", "category_id": 2, "complete": False},
        {"id": 13, "title": "줄넘기", "due_time": "2023-11-27 19:00:00", "category_id": 2, "complete": False},
        {"id": 14, "title": "알고리즘 과제", "due_time": "2023-11-28 23:59:59", "category_id": 1, "complete": False},
        {"id": 15, "title": "동생 생일 케이크 주문", "due_time": "2023-11-26 23:59:59", "category_id": None,
         "complete": False, "memo": "초코 케이크"},
        {"id": 16, "title": "중간고사 범위 정리", "due_time": "2023-11-23 23:59:59", "category_id": None,
         "complete": True},
        {"id": 17, "title": "웹개발 과제", "due_time": "2023-11-22 23:59:59", "category_id": 1, "complete": True},
        {"id": 18, "title": "빨래", "due_time": "2023-11-24 10:00:00", "category_id": None, "complete": False},
        {"id": 19, "title": "동아리 회비 입금", "due_time": "2023-11-30 18:00:00", "category_id": 3, "complete": False},
        {"id": 20, "title": "헬스장 등록", "due_time": "2023-12-01 12:00:00", "category_id": 2, "complete": False},
    ],
    "schedules": [
        {"id": 1, "title": "신영이랑 밥먹기", "start_time": "2023-11-25 12:00:00",
         "end_time": "2023-11-25 13:00:00", "category_id": None},
        {"id": 2, "title": "밴드 동아리 합주", "start_time": "2023-11-24 18:00:00",
         "end_time": "2023-11-24 20:00:00", "category_id": 3},
        {"id": 3, "title": "캡스톤 디자인 발표", "start_time": "2023-11-29 13:00:00",
         "end_time": "2023-11-29 15:00:00", "category_id": 1},
        {"id": 4, "title": "수진이랑 영화", "start_time": "2023-11-26 19:00:00",
         "end_time": "2023-11-26 21:30:00", "category_id": None},
        {"id": 5, "title": "치과 검진", "start_time": "2023-11-30 10:00:00",
         "end_time": "2023-11-30 11:00:00", "category_id": None},
    ],
}  # fmt: skip


def sql_body(prompt: str, engine: str) -> dict[str, Any]:
    """A realistic POST /v1/sql body: 3 categories, 10 todos, 5 schedules."""
    return {"prompt": prompt, "now": NOW, **CONTEXT, "engine": engine, "locale": "ko"}


def cpu_busy_pct(seconds: float = 1.0) -> float:
    """How busy all CPUs are over `seconds` (100 = every core), from /proc/stat."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return round(100 * (1 - (idle1 - idle0) / max(total1 - total0, 1)), 1)


def machine() -> dict[str, Any]:
    """The machine the figures come from."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        # Other work on the machine skews every figure: check this is near 0 before trusting a run.
        "loadavg_1m_at_start": os.getloadavg()[0],
        "cpu_busy_pct_before": cpu_busy_pct(),
    }


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def command_line() -> str:
    """The command line this benchmark was started with."""
    return " ".join([Path(sys.executable).relative_to(ROOT).as_posix() if _under_root() else "python", *_argv()])


def _under_root() -> bool:
    try:
        Path(sys.executable).relative_to(ROOT)
    except ValueError:
        return False
    return True


def _argv() -> list[str]:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:
        return ["-m", spec.name, *sys.argv[1:]]
    return sys.argv


class GcPauses:
    """Durations of the garbage collector's runs, per generation, via gc.callbacks."""

    def __init__(self) -> None:
        self.ms: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.ms[info["generation"]].append((time.perf_counter() - self._started) * 1000)

    def summary(self) -> dict[str, Any]:
        """Count and longest pause per generation."""
        return {f"gen{g}": {"count": len(v), "max_ms": round(max(v, default=0.0), 2)} for g, v in self.ms.items()}


# --- subprocesses ---------------------------------------------------------------------------------


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
    )
    if not auth:
        env["CALENDY_AUTH_DISABLED"] = "true"
    return env


def create_key(env: dict[str, str]) -> str:
    """A fresh API key whose rate limit is never reached (the limiter still runs on every request)."""
    done = subprocess.run(
        [str(BIN / "calendy"), "keys", "create", "--name", "bench", "--rate-limit", str(10**9)],
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


def start_service(*, upstream_base: str, workers: int = 1, auth: bool = True) -> Service:
    """`calendy serve` on a free port with its own temporary data dir, pointed at the upstream.

    With `auth` (the production default) an API key is created and sent; the per-key rate limiter
    and the request log run as in production.
    """
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="calendy-bench-")
    env = service_env(upstream_base=upstream_base, data_dir=data_dir, auth=auth)
    try:
        headers = {"authorization": f"Bearer {create_key(env)}"} if auth else {}
    except BaseException:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise
    args = [str(BIN / "calendy"), "serve", "--host", "127.0.0.1", "--port", str(port)]
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


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of `pid` and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of one process, in kB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0])
    return values


# --- load ---------------------------------------------------------------------------------------


@dataclass
class Phase:
    """What one bounded load run measured."""

    latencies_ms: list[float] = field(default_factory=list)
    service_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    started: float = 0.0
    ended: float = 0.0
    client_cpu_s: float = 0.0

    @property
    def count(self) -> int:
        """Successful requests."""
        return len(self.latencies_ms)

    @property
    def elapsed_s(self) -> float:
        """Wall time from the first request to the last answer."""
        return max(self.ended - self.started, 1e-9)

    def merge(self, other: "Phase") -> None:
        """Add another client process's results (clocks are CLOCK_MONOTONIC, shared by processes)."""
        self.started = min(self.started, other.started) if self.latencies_ms else other.started
        self.ended = max(self.ended, other.ended)
        self.latencies_ms += other.latencies_ms
        self.service_ms += other.service_ms
        self.client_cpu_s += other.client_cpu_s
        for key, value in other.errors.items():
            self.errors[key] = self.errors.get(key, 0) + value


@dataclass(frozen=True)
class Load:
    """One bounded load: `requests` POSTs of `body` to `url`, `concurrency` at a time, within `max_s`."""

    url: str
    body: bytes
    concurrency: int
    requests: int
    max_s: float
    read_service_ms: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    warm_url: str = ""
    start_at: float = 0.0


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "?"


async def run_load(load: Load) -> Phase:
    """Send the load; stop at the count or the time limit.

    Each of the `concurrency` workers has its own httpx.AsyncClient with one connection: one shared
    client with a 100-connection pool spends most of its CPU in httpcore's pool bookkeeping
    (`AsyncConnectionPool._assign_requests_to_connections`, O(connections × queued requests)).
    Connections are opened (by a GET of `warm_url`) before the clock starts.
    """
    phase = Phase()
    remaining = load.requests
    headers = {"content-type": "application/json", **load.headers}
    tls = ssl.create_default_context()  # one context for all clients: each one costs ~20 ms to build
    clients = [
        httpx.AsyncClient(timeout=60.0, verify=tls, limits=httpx.Limits(max_connections=1))
        for _ in range(load.concurrency)
    ]

    async def worker(client: httpx.AsyncClient, deadline: float) -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            started = time.perf_counter()
            try:
                response = await client.post(load.url, content=load.body, headers=headers)
            except httpx.HTTPError as exc:
                key = exc.__class__.__name__
                phase.errors[key] = phase.errors.get(key, 0) + 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                key = f"HTTP {response.status_code} {_error_code(response)}"
                phase.errors[key] = phase.errors.get(key, 0) + 1
                continue
            phase.latencies_ms.append(elapsed)
            if load.read_service_ms:
                phase.service_ms.append(float(json.loads(response.content)["timings_ms"]["service"]))

    try:
        if load.warm_url:
            await asyncio.gather(*(client.get(load.warm_url) for client in clients))
        if load.start_at:
            await asyncio.sleep(max(0.0, load.start_at - time.monotonic()))
        cpu = time.process_time()
        phase.started = time.monotonic()
        deadline = phase.started + load.max_s
        await asyncio.gather(*(worker(client, deadline) for client in clients))
        phase.ended = time.monotonic()
        phase.client_cpu_s = time.process_time() - cpu
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    return phase


def run_load_sync(load: Load) -> Phase:
    """`run_load` in a fresh event loop (uvloop when installed); the entry point of client processes."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(run_load(load))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(run_load(load))

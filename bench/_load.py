"""The bounded load loop of the benchmarks and its per-phase statistics."""

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field

from bench._wire import Connection, WireError, encode_request


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
    # Open loop when > 0: requests sent at this fixed rate (per second) whatever the answers do,
    # over `concurrency` connections; a latency counts from the request's scheduled send time.
    rate: float = 0.0


def _error_code(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "?"


async def run_load(load: Load) -> Phase:
    """Send the load; stop at the count or the time limit.

    `concurrency` keep-alive connections (bench/_wire.py: a few µs of CPU per request, where an
    HTTP client library costs ~0.25 ms on the cores the service needs), opened and warmed by a GET
    of `warm_url` before the clock starts.
    """
    phase = Phase()
    remaining = load.requests
    request = encode_request(
        method="POST", url=load.url, headers={"Content-Type": "application/json", **load.headers}, body=load.body
    )
    connections: list[Connection] = []

    async def exchange(slot: int) -> tuple[int, bytes] | None:
        """One request over connection `slot`; None (counted as an error) when the connection failed."""
        try:
            return await asyncio.wait_for(connections[slot].exchange(request), timeout=60.0)
        except (WireError, OSError, TimeoutError) as exc:
            key = exc.__class__.__name__
            phase.errors[key] = phase.errors.get(key, 0) + 1
            # That connection's framing is gone: the load goes on over a new one.
            connections[slot].close()
            with contextlib.suppress(OSError):
                connections[slot] = await Connection.open(load.url)
            return None

    def note(status: int, body: bytes, elapsed_ms: float) -> None:
        if status != 200:
            key = f"HTTP {status} {_error_code(body)}"
            phase.errors[key] = phase.errors.get(key, 0) + 1
            return
        phase.latencies_ms.append(elapsed_ms)
        if load.read_service_ms:
            phase.service_ms.append(float(json.loads(body)["timings_ms"]["service"]))

    async def open_loop(deadline: float) -> None:
        # The i-th request is due at start + i / rate; a free connection is taken when it is due.
        idle: asyncio.Queue[int] = asyncio.Queue()
        for slot in range(len(connections)):
            idle.put_nowait(slot)

        async def one(due: float) -> None:
            slot = await idle.get()
            try:
                answer = await exchange(slot)
            finally:
                idle.put_nowait(slot)
            if answer is not None:
                note(*answer, (time.perf_counter() - due) * 1000)

        start, tasks = time.perf_counter(), list[asyncio.Task[None]]()
        for number in range(load.requests):
            due = start + number / load.rate
            if (delay := due - time.perf_counter()) > 0:
                await asyncio.sleep(delay)
            if time.monotonic() >= deadline:
                break
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)

    async def worker(slot: int, deadline: float) -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(connections[slot].exchange(request), timeout=60.0)
            except (WireError, OSError, TimeoutError) as exc:
                key = exc.__class__.__name__
                phase.errors[key] = phase.errors.get(key, 0) + 1
                # That connection's framing is gone: the load goes on over a new one.
                connections[slot].close()
                try:
                    connections[slot] = await Connection.open(load.url)
                except OSError:
                    return
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                key = f"HTTP {status} {_error_code(body)}"
                phase.errors[key] = phase.errors.get(key, 0) + 1
                continue
            phase.latencies_ms.append(elapsed)
            if load.read_service_ms:
                phase.service_ms.append(float(json.loads(body)["timings_ms"]["service"]))

    try:
        for _ in range(load.concurrency):
            connections.append(await Connection.open(load.url))
        if load.warm_url:
            warm = encode_request(method="GET", url=load.warm_url, headers=load.headers)
            await asyncio.gather(*(connection.exchange(warm) for connection in connections))
        if load.start_at:
            await asyncio.sleep(max(0.0, load.start_at - time.monotonic()))
        cpu = time.process_time()
        phase.started = time.monotonic()
        deadline = phase.started + load.max_s
        if load.rate > 0:
            await open_loop(deadline)
        else:
            await asyncio.gather(*(worker(slot, deadline) for slot in range(len(connections))))
        phase.ended = time.monotonic()
        phase.client_cpu_s = time.process_time() - cpu
    finally:
        for connection in connections:
            connection.close()
    return phase


def run_load_sync(load: Load) -> Phase:
    """`run_load` in a fresh event loop (uvloop when installed); the entry point of client processes."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(run_load(load))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(run_load(load))

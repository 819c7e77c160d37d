"""What the fixed parts of an LLM-path request cost on their own: the floor under `bench.overhead`.

Four measurements, CPU per request (process CPU time, so other processes on the machine do not
count): (1) `http`: the smallest FastAPI app that validates the same body with the service's own
`SqlRequest` and answers a fixed `SqlResponse`, under uvicorn as `calendy serve` runs it, at
100 concurrent; (2) `engine`: the LLM engine in-process (records, prompt, the openai call over
aiohttp to the fake upstream, extraction, validation), 100 at a time; (3) `chat_call`: the openai
call alone; (4) `check_sql`: validating the model's answer alone. What `bench.overhead` measures
beyond (1) + (2) is the service's own glue: auth, rate limit, request log, metrics, middleware.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.llm.client import complete_chat
from app.ops.llmcall import CallRecorder
from app.schemas import SqlRequest
from app.services.commands import answer_with_repair
from app.services.runtime import build_runtime
from app.sqlcheck import check_sql
from bench._common import BIN, LLM_PROMPT, ROOT, command_line, free_port, machine, sql_body
from bench._load import Load
from bench._procs import cpu_under_load, in_process_settings, spawn, start_upstream, wait_http
from bench.fake_upstream import DEFAULT_CONTENT


def measure_http(*, requests: int, concurrency: int) -> dict[str, float]:
    """CPU per request of the smallest FastAPI app (bench/_floor_app.py) under uvicorn."""
    port = free_port()
    args = [str(BIN / "uvicorn"), "bench._floor_app:app", "--port", str(port), "--no-access-log"]
    args += ["--log-level", "warning", "--http", "httptools", "--loop", "uvloop"]
    child = spawn("floor-app", args)
    try:
        wait_http(child, f"http://127.0.0.1:{port}/docs")
        body = json.dumps(sql_body(LLM_PROMPT, "llm"), ensure_ascii=False).encode()
        url = f"http://127.0.0.1:{port}/v1/sql"
        load = Load(url=url, body=body, concurrency=concurrency, requests=requests, max_s=30.0)
        return cpu_under_load(child.proc.pid, load)
    finally:
        child.stop()


async def cpu_per_call(call: Callable[[], Awaitable[Any]], *, count: int, concurrency: int) -> float:
    """Process CPU ms per call of `call`, `concurrency` at a time, after a warm-up round."""

    async def run(total: int) -> None:
        remaining = total

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await call()

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    await run(2 * concurrency)
    started = time.process_time()
    await run(count)
    return (time.process_time() - started) / count * 1000


async def measure_in_process(*, upstream_base: str, requests: int, concurrency: int) -> dict[str, float]:
    """CPU per call of the LLM engine, the openai call alone and check_sql alone."""
    with tempfile.TemporaryDirectory(prefix="calendy-floor-") as data_dir:
        settings = in_process_settings(upstream_base=upstream_base, data_dir=data_dir, llm_follow_active_model=False)
        runtime = build_runtime(settings)
        llm = runtime.llm
        assert llm is not None
        request = SqlRequest.model_validate(sql_body(LLM_PROMPT, "llm"))
        messages = [*llm.prefix.messages, {"role": "user", "content": request.prompt}]

        async def engine() -> None:
            await answer_with_repair(
                runtime=runtime, request=request, deadline=time.monotonic() + 30, recorder=CallRecorder()
            )

        async def chat_call() -> None:
            await complete_chat(
                runtime=llm,
                messages=messages,
                deadline=time.monotonic() + 30,
                purpose="sql",
                recorder=CallRecorder(),
                prefix=llm.prefix,
            )

        async def validate() -> None:
            check_sql(sql=DEFAULT_CONTENT, request=request, schema=runtime.schema)

        try:
            return {
                "engine_cpu_ms": await cpu_per_call(engine, count=requests, concurrency=concurrency),
                "chat_call_cpu_ms": await cpu_per_call(chat_call, count=requests, concurrency=concurrency),
                "check_sql_cpu_ms": await cpu_per_call(validate, count=requests, concurrency=1),
            }
        finally:
            await runtime.aclose()


def main(argv: list[str] | None = None) -> None:
    """Measure each part, print a table and the command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests (or calls) per measurement")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="the fake upstream's fixed latency")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    upstream, upstream_base = start_upstream(latency_ms=args.latency_ms)
    try:
        http = measure_http(requests=args.requests, concurrency=args.concurrency)
        parts = asyncio.run(
            measure_in_process(upstream_base=upstream_base, requests=args.requests, concurrency=args.concurrency)
        )
    finally:
        upstream.stop()
    rows = [
        ("http: FastAPI + uvicorn + SqlRequest/SqlResponse (bench/_floor_app.py)", http["cpu_ms"]),
        ("engine: records, prompt, openai call over aiohttp, extraction, check_sql", parts["engine_cpu_ms"]),
        ("  of which the openai call (complete_chat)", parts["chat_call_cpu_ms"]),
        ("  of which check_sql", parts["check_sql_cpu_ms"]),
        ("floor = http + engine", http["cpu_ms"] + parts["engine_cpu_ms"]),
    ]
    print(f"$ {command_line()}")
    print("| part | CPU ms per request |\n|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value:.3f} |")
    print(f"(floor app at conc {args.concurrency}: {http['rps']} req/s on one worker)")
    if args.json:
        results = {"command": command_line(), "machine": machine(), "http": http, **parts, "root": str(ROOT)}
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

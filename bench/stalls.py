"""Tail latency over time: every request's start and duration, and when the slow ones happened.

Percentiles hide periodic stalls; timing each request over a minute and bucketing the slow ones by
the second they started shows them (this found three: the API-key cache's expiry every 30 s, the
active-model re-read every 10 s and the rate-limit window's turn every minute, each of which sent
every request in flight to the database at once). The default run is 65 s: past one minute's turn
and two key-cache expiries.
"""

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import LLM_PROMPT, LOCAL_PROMPT, command_line, machine, percentile, sql_body
from bench._procs import start_service, start_upstream
from bench._wire import Connection, encode_request


async def measure(
    *, url: str, headers: dict[str, str], body: bytes, concurrency: int, seconds: float
) -> list[tuple[float, float]]:
    """(start offset s, latency ms) of every request answered within `seconds`."""
    request = encode_request(method="POST", url=url, headers={"Content-Type": "application/json", **headers}, body=body)
    connections = [await Connection.open(url) for _ in range(concurrency)]
    samples: list[tuple[float, float]] = []
    started = time.perf_counter()

    async def worker(connection: Connection) -> None:
        while (begin := time.perf_counter()) - started < seconds:
            status, _ = await connection.exchange(request)
            if status != 200:
                raise RuntimeError(f"HTTP {status}")
            samples.append((begin - started, (time.perf_counter() - begin) * 1000))

    try:
        await asyncio.gather(*(worker(connection) for connection in connections))
    finally:
        for connection in connections:
            connection.close()
    return samples


def summarize(samples: list[tuple[float, float]], *, slow_ms: float) -> dict[str, Any]:
    """Counts, percentiles, and the seconds in which slow requests started."""
    latencies = [latency for _, latency in samples]
    by_second: dict[int, int] = {}
    for offset, latency in samples:
        if latency > slow_ms:
            by_second[int(offset)] = by_second.get(int(offset), 0) + 1
    return {
        "requests": len(samples),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(max(latencies, default=0.0), 2),
        "slow_ms": slow_ms,
        "slow": sum(by_second.values()),
        "slow_by_second": dict(sorted(by_second.items())),
    }


def main(argv: list[str] | None = None) -> None:
    """Start the fake upstream and one service, load it, print when the slow requests happened."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=["llm", "local"], default="llm")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=65.0)
    parser.add_argument("--slow-ms", type=float, default=400.0, help="a request slower than this counts as slow")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="the fake upstream's fixed latency")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    upstream, base = start_upstream(latency_ms=args.latency_ms)
    try:
        service = start_service(upstream_base=base, workers=args.workers)
        try:
            body = json.dumps(sql_body(LLM_PROMPT if args.engine == "llm" else LOCAL_PROMPT, args.engine)).encode()
            url = f"{service.base}/v1/sql"
            # A short warm-up first: the first burst of a cold worker is start-up, not a stall.
            asyncio.run(measure(url=url, headers=service.headers, body=body, concurrency=args.concurrency, seconds=2))
            samples = asyncio.run(
                measure(url=url, headers=service.headers, body=body, concurrency=args.concurrency, seconds=args.seconds)
            )
        finally:
            service.child.stop()
    finally:
        upstream.stop()
    results = {"command": command_line(), "machine": machine(), "settings": vars(args) | {"json": None}}
    results |= summarize(samples, slow_ms=args.slow_ms)
    print(f"$ {results['command']}")
    print(f"machine: {json.dumps(results['machine'])}")
    print(
        f"engine={args.engine} workers={args.workers} conc={args.concurrency}: {results['requests']} requests "
        f"in {args.seconds:.0f} s, p50 {results['p50_ms']} ms, p99 {results['p99_ms']} ms, max {results['max_ms']} ms"
    )
    print(
        f"slower than {args.slow_ms:.0f} ms: {results['slow']}; by the second they started: {results['slow_by_second']}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

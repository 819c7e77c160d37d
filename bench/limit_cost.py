"""CPU per request of the two limits issue 17 put on the request path, in-process, in microseconds.

`bench.overhead` on a shared machine varies by more than these costs from run to run; timing
each piece alone says how much it adds: the cap on requests in flight (an ASGI middleware around
a no-op app, against the no-op app alone) and the head-size check of the HTTP protocol (on a
typical request head of the load benchmarks, in one read).
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

from starlette.types import Receive, Scope, Send

from app.api.overload import ConcurrencyLimitMiddleware
from app.ops.connections import HeaderDeadline
from bench._common import command_line, machine

HEAD = (
    b"POST /v1/sql HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Type: application/json\r\n"
    b"Authorization: Bearer cal_0123abcd_" + b"x" * 43 + b"\r\nContent-Length: 39046\r\n\r\n"
)


async def _noop(scope: Scope, receive: Receive, send: Send) -> None:
    return None


async def _per_call_us(app: Any, calls: int) -> float:
    scope: dict[str, Any] = {"type": "http", "path": "/v1/sql"}
    started = time.perf_counter()
    for _ in range(calls):
        await app(scope, _noop, _noop)
    return (time.perf_counter() - started) / calls * 1e6


class _Head(HeaderDeadline):
    """The mixin's head counter alone (no transport, no parser)."""

    max_header_bytes = 16_384


def _head_check_us(calls: int) -> float:
    head = _Head()
    started = time.perf_counter()
    for _ in range(calls):
        head._head_open, head._head_bytes, head._head_tail = True, 0, b""
        head._head_too_large(HEAD)
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200_000, help="calls per timing")
    parser.add_argument("--rounds", type=int, default=5, help="timings of each; the fastest is reported")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    capped = ConcurrencyLimitMiddleware(_noop, limit=800)
    bare = [asyncio.run(_per_call_us(_noop, args.calls)) for _ in range(args.rounds)]
    wrapped = [asyncio.run(_per_call_us(capped, args.calls)) for _ in range(args.rounds)]
    heads = [_head_check_us(args.calls) for _ in range(args.rounds)]
    result = {
        "machine": machine(),
        "noop_app_us": round(min(bare), 3),
        "with_concurrency_cap_us": round(min(wrapped), 3),
        "concurrency_cap_added_us": round(min(wrapped) - min(bare), 3),
        "head_size_check_us": round(min(heads), 3),
    }
    print(f"$ {command_line()}")
    print(json.dumps(result, indent=2))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

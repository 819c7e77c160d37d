"""CPU per request of the service under several configurations: what auth, the limiter and the log cost.

Each configuration is a fresh `calendy serve` (one worker, SQLite, keys on unless said) loaded at
100 concurrent with one engine's request; the figure is the service's CPU time per answered
request (`/proc`), which does not depend on what else runs on the machine.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import LLM_PROMPT, LOCAL_PROMPT, command_line, machine, sql_body
from bench._load import Load
from bench._procs import cpu_under_load, start_service, start_upstream

# name -> (keys on?, CALENDY_* settings)
CONFIGS: dict[str, tuple[bool, dict[str, str]]] = {
    "defaults: keys, database rate limit (batched), request log": (True, {}),
    "keys off (no key check, no rate limit)": (False, {}),
    "rate limit in memory": (True, {"CALENDY_RATE_LIMIT_BACKEND": "memory"}),
    "rate limit exact (CALENDY_RATE_LIMIT_SYNC_S=0)": (True, {"CALENDY_RATE_LIMIT_SYNC_S": "0"}),
    "prompts not stored (CALENDY_LOG_PROMPTS=redact)": (True, {"CALENDY_LOG_PROMPTS": "redact"}),
}


def measure(*, upstream_base: str, auth: bool, settings: dict[str, str], engine: str, requests: int) -> dict[str, Any]:
    """Load one fresh service; its CPU ms per request and req/s."""
    service = start_service(upstream_base=upstream_base, auth=auth, settings=settings)
    try:
        body = json.dumps(sql_body(LLM_PROMPT if engine == "llm" else LOCAL_PROMPT, engine), ensure_ascii=False)
        load = Load(
            url=f"{service.base}/v1/sql", body=body.encode(), concurrency=100, requests=requests, max_s=30.0,
            headers=service.headers, warm_url=f"{service.base}/healthz",
        )  # fmt: skip
        return cpu_under_load(service.child.proc.pid, load)
    finally:
        service.child.stop()


def main(argv: list[str] | None = None) -> None:
    """Measure every configuration `--rounds` times (interleaved), print the range of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["local", "llm"], default="local")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2, help="measurements per configuration")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in CONFIGS}
    upstream, upstream_base = start_upstream(latency_ms=50.0)
    try:
        for _ in range(args.rounds):
            for name, (auth, settings) in CONFIGS.items():
                results[name].append(
                    measure(
                        upstream_base=upstream_base, auth=auth, settings=settings, engine=args.engine,
                        requests=args.requests,
                    )
                )  # fmt: skip
    finally:
        upstream.stop()
    print(f"$ {command_line()}")
    print(f"engine={args.engine}, 1 worker, 100 concurrent, {args.requests} requests per measurement\n")
    print("| configuration | CPU ms per request | req/s |\n|---|---:|---:|")
    for name, runs in results.items():
        cpu = sorted(run["cpu_ms"] for run in runs)
        rps = sorted(run["rps"] for run in runs)
        print(f"| {name} | {cpu[0]:.2f}–{cpu[-1]:.2f} | {rps[0]}–{rps[-1]} |")
    if args.json:
        payload = {"command": command_line(), "machine": machine(), "settings": vars(args) | {"json": None}}
        args.json.write_text(json.dumps(payload | {"results": results}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

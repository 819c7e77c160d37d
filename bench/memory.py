"""Peak RSS (VmHWM) of one `calendy serve` worker after startup and after a bounded burst of both engines."""

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import LLM_PROMPT, LOCAL_PROMPT, command_line, machine, sql_body
from bench._load import Load, run_load_sync
from bench._procs import Child, proc_status, process_tree, start_service, start_upstream


def snapshot(pid: int) -> dict[str, int]:
    """VmRSS/VmHWM in kB of the process that serves requests (the last of the tree: the worker)."""
    return proc_status(process_tree(pid)[-1])


def main(argv: list[str] | None = None) -> None:
    """Start upstream and service, read the worker's memory before and after the burst."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="requests per engine in the burst")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--max-seconds", type=float, default=15.0, help="time limit of each engine's burst")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="the fake upstream's fixed latency")
    parser.add_argument("--no-auth", action="store_true", help="CALENDY_AUTH_DISABLED=true: no key check, rate limiter")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    children: list[Child] = []
    results: dict[str, Any] = {"command": command_line(), "machine": machine(), "bursts": {}}
    try:
        upstream, upstream_base = start_upstream(latency_ms=args.latency_ms)
        children.append(upstream)
        service = start_service(upstream_base=upstream_base, workers=1, auth=not args.no_auth)
        children.append(service.child)
        base, pid = service.base, service.child.proc.pid
        results["worker_pids"] = process_tree(pid)
        results["after_startup_kb"] = snapshot(pid)
        for engine, prompt in (("llm", LLM_PROMPT), ("local", LOCAL_PROMPT)):
            body = json.dumps(sql_body(prompt, engine), ensure_ascii=False).encode()
            load = Load(
                f"{base}/v1/sql", body, args.concurrency, args.requests, args.max_seconds, headers=service.headers
            )
            phase = run_load_sync(load)
            results["bursts"][engine] = {"requests": phase.count, "errors": phase.errors}
            results[f"after_{engine}_kb"] = snapshot(pid)
    finally:
        for child in reversed(children):
            child.stop()

    print(f"$ {results['command']}")
    print(f"machine: {json.dumps(results['machine'])}")
    print()
    print("| moment | VmRSS MB | VmHWM (peak) MB | requests |")
    print("|---|---:|---:|---|")
    moments = [("after startup", "after_startup_kb", "-")]
    for engine, burst in results["bursts"].items():
        done = f"{burst['requests']} × engine={engine}, conc {args.concurrency}"
        moments.append(
            (
                f"after {engine} burst",
                f"after_{engine}_kb",
                done + (f", errors {burst['errors']}" if burst["errors"] else ""),
            )
        )
    for label, key, done in moments:
        print(f"| {label} | {results[key]['VmRSS'] / 1024:.1f} | {results[key]['VmHWM'] / 1024:.1f} | {done} |")
    peak = max(results[key]["VmHWM"] for _, key, _ in moments)
    results["peak_vmhwm_kb"] = peak
    print()
    print(f"peak VmHWM of the worker over the run: {peak / 1024:.1f} MB (target < 250 MB)")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)

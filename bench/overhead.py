"""What the service adds to a 50 ms model: POST /v1/sql against a fake upstream, per concurrency level."""

import argparse
import json
import multiprocessing
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import LLM_PROMPT, LOCAL_PROMPT, command_line, machine, percentile, sql_body
from bench._load import Load, Phase, run_load_sync
from bench._procs import Child, Service, cpu_seconds, start_service, start_upstream, worker_cpu_seconds


class Runner:
    """Runs loads from one or several client processes and accounts the CPU of each party."""

    def __init__(self, *, clients: int, service: Child, upstream: Child):
        self.clients = clients
        self.service = service
        self.upstream = upstream
        self.pool = (
            ProcessPoolExecutor(clients, mp_context=multiprocessing.get_context("fork")) if clients > 1 else None
        )

    def close(self) -> None:
        """Stop the client processes."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def run(self, load: Load) -> tuple[Phase, dict[str, float]]:
        """One load; returns its results and CPU seconds of service, upstream and client(s)."""
        before = (cpu_seconds(self.service.proc.pid), cpu_seconds(self.upstream.proc.pid))
        workers_before = worker_cpu_seconds(self.service.proc.pid)
        if self.pool is None:
            phase = run_load_sync(load)
        else:
            k = min(self.clients, load.concurrency)
            start_at = time.monotonic() + 0.3
            loads = [
                replace(
                    load,
                    concurrency=load.concurrency // k + (i < load.concurrency % k),
                    requests=load.requests // k + (i < load.requests % k),
                    start_at=start_at,
                    rate=load.rate / k,
                )
                for i in range(k)
            ]
            phase = Phase()
            for part in self.pool.map(run_load_sync, loads):
                phase.merge(part)
        after = (cpu_seconds(self.service.proc.pid), cpu_seconds(self.upstream.proc.pid))
        workers_after = worker_cpu_seconds(self.service.proc.pid)
        cpu = {"service": after[0] - before[0], "upstream": after[1] - before[1], "client": phase.client_cpu_s}
        # Each worker's share shows whether the connections were spread over the workers.
        for number, pid in enumerate(sorted(workers_after), 1):
            cpu[f"worker{number}"] = workers_after[pid] - workers_before.get(pid, 0.0)
        return phase, cpu


def summarize(phase: Phase, cpu: dict[str, float]) -> dict[str, Any]:
    """Throughput, latency percentiles and CPU use of one phase."""
    out: dict[str, Any] = {
        "requests": phase.count,
        "errors": phase.errors,
        "elapsed_s": round(phase.elapsed_s, 3),
        "rps": round(phase.count / phase.elapsed_s, 1),
        "p50_ms": round(percentile(phase.latencies_ms, 50), 3),
        "p99_ms": round(percentile(phase.latencies_ms, 99), 3),
        "cpu_pct": {k: round(100 * v / phase.elapsed_s, 1) for k, v in cpu.items()},
        "service_cpu_ms_per_req": round(1000 * cpu["service"] / max(phase.count, 1), 3),
    }
    out["service_ms_p50"] = round(percentile(phase.service_ms, 50), 3)
    out["service_ms_p99"] = round(percentile(phase.service_ms, 99), 3)
    return out


def check_answers(service: Service) -> dict[str, Any]:
    """One request per engine; fail loudly when the service does not answer as the benchmark expects."""
    answers = {}
    for engine, prompt in (("llm", LLM_PROMPT), ("local", LOCAL_PROMPT)):
        url = f"{service.base}/v1/sql"
        response = httpx.post(url, json=sql_body(prompt, engine), headers=service.headers, timeout=30)
        body = response.json()
        if response.status_code != 200 or body.get("status") != "ok":
            raise RuntimeError(f"engine={engine}: {response.status_code} {json.dumps(body, ensure_ascii=False)}")
        answers[engine] = [s["sql"] for s in body["statements"]]
    return answers


def table(results: dict[str, Any], latency_ms: float) -> str:
    """The Markdown tables of a run."""
    lines = [
        "LLM path (engine=llm) vs. the same chat payload sent straight to the fake upstream:",
        "",
        "| conc | n | req/s | e2e p50 | e2e p99 | upstream | direct req/s | direct p50 | direct p99 "
        "| added p50 | added p99 | service p50 | service p99 | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for level in results["levels"]:
        llm, direct = level["llm"], level["direct"]
        lines.append(
            f"| {level['concurrency']} | {llm['requests']} | {llm['rps']:.0f} | {llm['p50_ms']:.2f} "
            f"| {llm['p99_ms']:.2f} | {latency_ms:g} | {direct['rps']:.0f} | {direct['p50_ms']:.2f} "
            f"| {direct['p99_ms']:.2f} "
            f"| {level['added_p50_ms']:.2f} | {level['added_p99_ms']:.2f} | {llm['service_ms_p50']:.2f} "
            f"| {llm['service_ms_p99']:.2f} | {llm['errors'] or direct['errors'] or '-'} |"
        )
    lines += [
        "",
        "Local engine (engine=local):",
        "",
        "| conc | n | req/s | e2e p50 | e2e p99 | service p50 | service p99 | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for level in results["levels"]:
        local = level["local"]
        lines.append(
            f"| {level['concurrency']} | {local['requests']} | {local['rps']:.0f} | {local['p50_ms']:.2f} "
            f"| {local['p99_ms']:.2f} | {local['service_ms_p50']:.2f} | {local['service_ms_p99']:.2f} "
            f"| {local['errors'] or '-'} |"
        )
    lines += [
        "",
        "CPU (100% = one core) and service CPU per request:",
        "",
        "| phase | conc | service CPU % | per worker % | upstream CPU % | client CPU % | service CPU ms/req |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for level in results["levels"]:
        for name in ("direct", "llm", "local"):
            cpu = level[name]["cpu_pct"]
            workers = " / ".join(f"{v:.0f}" for k, v in sorted(cpu.items()) if k.startswith("worker")) or "-"
            lines.append(
                f"| {name} | {level['concurrency']} | {cpu['service']:.0f} | {workers} | {cpu['upstream']:.0f} "
                f"| {cpu['client']:.0f} | {level[name]['service_cpu_ms_per_req']:.2f} |"
            )
    return "\n".join(lines)


OPEN_LOOP_SHARES = (0.25, 0.5, 0.75)


def open_loop(runner: Runner, loads: dict[str, Load], *, capacity: float, seconds: float) -> dict[str, Any]:
    """The LLM path and the upstream alone, each at the same fixed rates: shares of `capacity` (req/s)."""
    phases = []
    for share in OPEN_LOOP_SHARES:
        rate = share * capacity
        # Enough connections for the requests in flight at that rate (a 50 ms model: rate / 20).
        count, connections = max(1, round(rate * seconds)), max(16, round(rate / 5))
        phase: dict[str, Any] = {"share": share, "rate": round(rate, 1)}
        for name in ("direct", "llm"):
            load = replace(loads[name], concurrency=connections, requests=count, rate=rate, max_s=seconds + 30)
            phase[name] = summarize(*runner.run(load))
        phase["added_p50_ms"] = round(phase["llm"]["p50_ms"] - phase["direct"]["p50_ms"], 3)
        phase["added_p99_ms"] = round(phase["llm"]["p99_ms"] - phase["direct"]["p99_ms"], 3)
        phases.append(phase)
        print(f"open loop {share:.0%} done", file=sys.stderr, flush=True)
    return {"capacity_rps": capacity, "seconds": seconds, "phases": phases}


def open_loop_table(result: dict[str, Any]) -> str:
    """The Markdown table of the open-loop phases."""
    lines = [
        f"Open loop: requests at a fixed rate, shares of the LLM path's capacity ({result['capacity_rps']:.0f} req/s "
        "at the highest level), the same rate sent straight to the fake upstream:",
        "",
        "| share | rate | n | e2e p50 | e2e p99 | direct p50 | direct p99 | added p50 | added p99 "
        "| service CPU ms/req | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for phase in result["phases"]:
        llm, direct = phase["llm"], phase["direct"]
        lines.append(
            f"| {phase['share']:.0%} | {phase['rate']:.0f} | {llm['requests']} | {llm['p50_ms']:.2f} "
            f"| {llm['p99_ms']:.2f} | {direct['p50_ms']:.2f} | {direct['p99_ms']:.2f} | {phase['added_p50_ms']:.2f} "
            f"| {phase['added_p99_ms']:.2f} | {llm['service_cpu_ms_per_req']:.2f} "
            f"| {llm['errors'] or direct['errors'] or '-'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Start upstream and service, measure each level, print tables, clean up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1,10,100", help="comma-separated concurrency levels")
    parser.add_argument("--requests", type=int, default=0, help="requests per phase (default: 30×conc, 100–3000)")
    parser.add_argument("--max-seconds", type=float, default=8.0, help="time limit of each phase")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="the fake upstream's fixed latency")
    parser.add_argument("--workers", type=int, default=1, help="service worker processes")
    parser.add_argument(
        "--clients", type=int, default=2, help="load-generating client processes (one saturates near 1,100 req/s)"
    )
    parser.add_argument("--no-auth", action="store_true", help="CALENDY_AUTH_DISABLED=true: no key check, rate limiter")
    parser.add_argument(
        "--open-loop",
        action="store_true",
        help="also send requests at a fixed rate: 25/50/75 %% of the LLM path's capacity at the highest level",
    )
    parser.add_argument("--open-seconds", type=float, default=6.0, help="length of each open-loop phase")
    parser.add_argument(
        "--set", action="append", default=[], metavar="CALENDY_X=VALUE", help="a setting of the service (repeatable)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    children: list[Child] = []
    runner: Runner | None = None
    try:
        upstream, upstream_base = start_upstream(latency_ms=args.latency_ms)
        children.append(upstream)
        settings = dict(item.split("=", 1) for item in args.set)
        service = start_service(
            upstream_base=upstream_base, workers=args.workers, auth=not args.no_auth, settings=settings
        )
        children.append(service.child)
        base = service.base
        runner = Runner(clients=args.clients, service=service.child, upstream=upstream)
        answers = check_answers(service)
        chat_body = httpx.get(f"{upstream_base.removesuffix('/v1')}/_bench/last_request").content
        bodies = {
            "llm": json.dumps(sql_body(LLM_PROMPT, "llm"), ensure_ascii=False).encode(),
            "local": json.dumps(sql_body(LOCAL_PROMPT, "local"), ensure_ascii=False).encode(),
        }
        loads = {
            "direct": Load(
                url=f"{upstream_base}/chat/completions",
                body=chat_body,
                concurrency=1,
                requests=1,
                max_s=args.max_seconds,
                headers={"authorization": "Bearer sk-bench"},
                warm_url=f"{upstream_base}/models",
            ),
            **{
                engine: Load(
                    f"{base}/v1/sql",
                    bodies[engine],
                    1,
                    1,
                    args.max_seconds,
                    read_service_ms=True,
                    headers=service.headers,
                    warm_url=f"{base}/healthz",
                )
                for engine in ("llm", "local")
            },
        }
        top = max(levels)
        for load in loads.values():  # warm-up: open the connection pools, fill caches
            runner.run(replace(load, concurrency=top, requests=2 * top + 50))

        results: dict[str, Any] = {
            "command": command_line(),
            "machine": machine(),
            "settings": vars(args) | {"json": str(args.json) if args.json else None},
            "answers": answers,
            "chat_payload_bytes": len(chat_body),
            "levels": [],
        }
        for concurrency in levels:
            count = args.requests or min(3000, max(100, 30 * concurrency))
            level: dict[str, Any] = {"concurrency": concurrency}
            for name, load in loads.items():
                level[name] = summarize(*runner.run(replace(load, concurrency=concurrency, requests=count)))
            level["added_p50_ms"] = round(level["llm"]["p50_ms"] - level["direct"]["p50_ms"], 3)
            level["added_p99_ms"] = round(level["llm"]["p99_ms"] - level["direct"]["p99_ms"], 3)
            results["levels"].append(level)
            print(f"concurrency {concurrency} done", file=sys.stderr, flush=True)
        if args.open_loop:
            capacity = results["levels"][-1]["llm"]["rps"]
            results["open_loop"] = open_loop(runner, loads, capacity=capacity, seconds=args.open_seconds)
    finally:
        if runner is not None:
            runner.close()
        for child in reversed(children):
            child.stop()

    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"$ {results['command']}")
    print(f"machine: {json.dumps(results['machine'])}")
    print(f"answers: {json.dumps(answers, ensure_ascii=False)}; chat payload {len(chat_body)} bytes")
    print()
    print(table(results, args.latency_ms))
    if "open_loop" in results:
        print()
        print(open_loop_table(results["open_loop"]))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)

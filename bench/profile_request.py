"""cProfile of the in-process request path (ASGI app, real openai client, fake upstream on loopback)."""

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.main import create_app
from bench._common import LLM_PROMPT, LOCAL_PROMPT, GcPauses, command_line, sql_body
from bench._procs import create_key, in_process_settings, service_env, start_upstream


async def drive(
    *,
    upstream_base: str,
    engine: str,
    requests: int,
    concurrency: int,
    profile: cProfile.Profile | None,
    pauses: GcPauses,
    auth: bool,
    data_dir: str,
) -> tuple[float, float]:
    """Send `requests` POST /v1/sql in-process, `concurrency` at a time; profile all but the warm-up."""
    env = service_env(upstream_base=upstream_base, data_dir=data_dir, auth=auth)
    headers = {"authorization": f"Bearer {create_key(env)}"} if auth else {}
    settings = in_process_settings(
        upstream_base=upstream_base, data_dir=data_dir, auth_disabled=not auth, log_level="WARNING"
    )
    app = create_app(settings=settings)
    body = sql_body(LLM_PROMPT if engine == "llm" else LOCAL_PROMPT, engine)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test", headers=headers) as client:
            remaining = requests

            async def worker() -> None:
                nonlocal remaining
                while remaining > 0:
                    remaining -= 1
                    response = await client.post("/v1/sql", json=body)
                    response.raise_for_status()

            await asyncio.gather(*(worker() for _ in range(concurrency)))  # warm-up
            remaining = requests
            gc.callbacks.append(pauses)
            started, cpu = time.perf_counter(), time.process_time()
            if profile is not None:
                profile.enable()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            if profile is not None:
                profile.disable()
            elapsed = time.perf_counter() - started, time.process_time() - cpu
            gc.callbacks.remove(pauses)
            return elapsed


def main(argv: list[str] | None = None) -> None:
    """Profile one engine's request path and print the top functions."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=["llm", "local"], default="llm")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="the fake upstream's fixed latency")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--output", type=Path, help="also dump the raw profile here (for snakeviz & co.)")
    parser.add_argument(
        "--no-profile", action="store_true", help="only time the run (wall and CPU per request, no cProfile)"
    )
    parser.add_argument("--no-auth", action="store_true", help="auth_disabled=True: no key check, rate limiter")
    args = parser.parse_args(argv)
    upstream, base = start_upstream(latency_ms=args.latency_ms)
    profile = None if args.no_profile else cProfile.Profile()
    data_dir = tempfile.mkdtemp(prefix="calendy-bench-")
    pauses = GcPauses()
    try:
        seconds, cpu = asyncio.run(
            drive(
                upstream_base=base,
                engine=args.engine,
                requests=args.requests,
                concurrency=args.concurrency,
                profile=profile,
                pauses=pauses,
                auth=not args.no_auth,
                data_dir=data_dir,
            )
        )
    finally:
        upstream.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"$ {command_line()}")
    where = "without" if profile is None else "under"
    print(
        f"engine={args.engine} requests={args.requests} concurrency={args.concurrency} "
        f"auth={not args.no_auth}: {where} the profiler, "
        f"wall {1000 * seconds / args.requests:.3f} ms/request, "
        f"CPU {1000 * cpu / args.requests:.3f} ms/request (process CPU, all threads: app and in-process client)"
    )
    gen2 = pauses.summary()["gen2"]
    print(
        f"gc: {gen2['count']} full (gen2) collections in the measured run, longest {gen2['max_ms']:.1f} ms "
        f"({len(gc.get_objects())} objects tracked now)"
    )
    if profile is not None:
        stream = io.StringIO()
        pstats.Stats(profile, stream=stream).sort_stats(args.sort).print_stats(args.top)
        print(stream.getvalue())
        if args.output:
            profile.dump_stats(str(args.output))


if __name__ == "__main__":
    main()

"""One evaluation run: the answerer (in-process, recording, replaying, or a service's URL) and its results."""

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from app.evaluation.cassette import RecordingTransport, ReplayTransport
from app.evaluation.cassette_file import Cassette
from app.evaluation.console import progress_bar
from app.evaluation.remote import open_service_client, remote_answerer
from app.evaluation.runner import CaseResult, evaluate_cases, in_process_answerer
from app.services.runtime import build_runtime
from app.settings import Settings

# With --replay and no LLM in the environment the LLM path still runs: nothing is ever sent there.
REPLAY_BASE_URL = "http://cassette.replay.invalid/v1"
_OPENAI_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class RunOptions:
    """What `calendy eval` was asked to run."""

    dataset: Path
    engine: str
    tags: list[str] = field(default_factory=list)
    concurrency: int = 4
    url: str | None = None
    api_key: str | None = None
    record: Path | None = None
    replay: Path | None = None


@dataclass
class RunResult:
    """The scored cases and what the run needs to report about itself."""

    results: list[CaseResult]
    meta: dict[str, Any]
    recorder: RecordingTransport | None = None


def replay_settings(*, settings: Settings, cassette: Cassette) -> Settings:
    """Settings for a replay: an LLM configured even when none is, the cassette's model, no retries."""
    update: dict[str, Any] = {
        "llm_max_retries": 0,
        # Misses fail fast; they must not open the circuit and turn later cases into llm_unavailable.
        "llm_circuit_failures": 1_000_000_000,
    }
    if not settings.llm_configured:
        update.update(llm_base_url=REPLAY_BASE_URL, llm_api_key="replay")
    if "llm_model" not in settings.model_fields_set and cassette.model:
        update["llm_model"] = cassette.model
    return settings.model_copy(update=update)


def _transport(
    *, options: RunOptions, settings: Settings, cassette: Cassette | None
) -> tuple[Settings, httpx.AsyncBaseTransport | None]:
    if cassette is not None:
        settings = replay_settings(settings=settings, cassette=cassette)
        base = settings.llm_base_url or _OPENAI_BASE_URL
        return settings, ReplayTransport(cassette=cassette, base_url=base)
    if options.record is not None:
        base = settings.llm_base_url or _OPENAI_BASE_URL
        return settings, RecordingTransport(base_url=base, model=settings.llm_model)
    return settings, None


async def _answer_all(
    *, options: RunOptions, settings: Settings, cases: list[dict[str, Any]], transport: httpx.AsyncBaseTransport | None
) -> list[CaseResult]:
    schema_sql = (settings.prompts_dir / "schema.sql").read_text(encoding="utf-8")
    with progress_bar(total=len(cases), description=f"eval {options.engine}") as advance:
        if options.url is not None:
            async with open_service_client(url=options.url, api_key=options.api_key) as client:
                answer = remote_answerer(client=client, engine=options.engine)
                return await evaluate_cases(
                    cases=cases, answer_case=answer, schema_sql=schema_sql,
                    concurrency=options.concurrency, on_done=advance,
                )  # fmt: skip
        # The openai client sends through this transport and closes it with the runtime.
        http_client = httpx.AsyncClient(transport=transport) if transport is not None else None
        runtime = build_runtime(settings, http_client=http_client)
        try:
            answer = in_process_answerer(runtime=runtime, engine=options.engine)
            return await evaluate_cases(
                cases=cases, answer_case=answer, schema_sql=runtime.schema.ddl,
                concurrency=options.concurrency, on_done=advance,
            )  # fmt: skip
        finally:
            await runtime.aclose()


async def run_dataset(
    *, options: RunOptions, settings: Settings, cases: list[dict[str, Any]], cassette: Cassette | None = None
) -> RunResult:
    """Answer and score every case (model calls from `cassette` when given); `meta` describes the run."""
    settings, transport = _transport(options=options, settings=settings, cassette=cassette)
    started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    started = time.perf_counter()
    results = await _answer_all(options=options, settings=settings, cases=cases, transport=transport)
    uses_llm = options.url is None and options.engine != "local" and settings.llm_configured
    meta = {
        "dataset": str(options.dataset),
        "engine": options.engine,
        "tags": options.tags,
        "url": options.url,
        "model": settings.llm_model if uses_llm else None,
        "record": str(options.record) if options.record else None,
        "replay": str(options.replay) if options.replay else None,
        "concurrency": options.concurrency,
        "started_at": started_at,
        "duration_s": round(time.perf_counter() - started, 3),
    }
    recorder = transport if isinstance(transport, RecordingTransport) else None
    return RunResult(results=results, meta=meta, recorder=recorder)

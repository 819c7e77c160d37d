"""`calendy synth docs`'s run: help pairs from the docs, resumable, every call logged."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.connection import build_engine
from app.errors import AppError
from app.help.guide import load_guide
from app.ops.llmcall import LlmCall
from app.ops.run_log import run_record, write_run_log
from app.services.help import GUIDE_DIR, served_sections
from app.services.runtime import Runtime, build_runtime
from app.settings import PROJECT_ROOT, Settings
from app.training.docs_chunks import Chunk
from app.training.docs_synth import ChunkResult, generated_negatives, is_near_duplicate, negative_pair, pairs_of_chunk
from app.training.help_pairs import help_pair_line
from app.training.pairs import read_rows, write_lines

ROUTE = "cli:synth-docs"
NEGATIVES_FILE = PROJECT_ROOT / "evals" / "help_negatives.jsonl"


@dataclass
class DocsProgress:
    """The out file and its progress file (OUT.progress.jsonl): what earlier runs settled."""

    out: Path
    settled: set[str] = field(default_factory=set)
    questions: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"kept": 0, "negatives": 0, "dropped": 0})

    @property
    def progress(self) -> Path:
        """Where each settled unit (a chunk, a batch of negatives) and its dropped questions go."""
        return self.out.with_name(self.out.name + ".progress.jsonl")

    def load(self) -> "DocsProgress":
        """Read an earlier run's files (nothing when starting fresh)."""
        for row in read_rows(self.out):
            self.questions.append(str(row["question"]))
            if row.get("chunk_key"):
                self.settled.add(str(row["chunk_key"]))
        self.settled.update(str(row["unit"]) for row in read_rows(self.progress))
        return self

    def save(self, *, unit: str, result: ChunkResult) -> None:
        """Append the unit's pairs, then mark it settled (a crash in between only repeats the unit)."""
        write_lines(path=self.out, lines=[help_pair_line(pair=p) for p in result.pairs], append=True)
        dropped = [{"question": q, "reason": r} for q, r in result.dropped]
        line = json.dumps({"unit": unit, "kept": len(result.pairs), "dropped": dropped}, ensure_ascii=False)
        write_lines(path=self.progress, lines=[line], append=True)
        self.settled.add(unit)
        key = "negatives" if unit.startswith("negatives:") else "kept"
        self.counts[key] += len(result.pairs)
        self.counts["dropped"] += len(result.dropped)


def listed_negatives(*, path: Path, kept: list[str]) -> ChunkResult:
    """The hand-written questions the docs do not answer, as abstaining pairs."""
    result = ChunkResult()
    for row in read_rows(path):
        question, locale = str(row["question"]), str(row["locale"])
        if is_near_duplicate(question=question, kept=kept):
            result.dropped.append((question, "near-duplicate question"))
            continue
        kept.append(question)
        result.pairs.append(negative_pair(question=question, locale=locale, source="negative:list"))
    return result


async def _unit(*, settings: Settings, engine: AsyncEngine, unit: str, work: Any, progress: DocsProgress) -> None:
    """Run one unit with its own log record (route cli:synth-docs), then save what it gave."""
    record = run_record(ROUTE)
    calls: list[LlmCall] = record.calls
    try:
        result: ChunkResult = await work(calls)
        record.status, record.engine = "ok", "llm"
    except AppError as exc:
        record.http_status = exc.status_code
        record.note_error(code=exc.code, message=exc.message)
        raise
    finally:
        if calls:
            await write_run_log(engine=engine, settings=settings, record=record, calls=calls, route=ROUTE)
    progress.save(unit=unit, result=result)


async def synthesize_docs(
    *, settings: Settings, chunks: list[Chunk], n: int, negatives: int, negatives_file: Path | None, out: Path
) -> DocsProgress:
    """Every chunk not settled yet, then the negatives; returns this run's counts."""
    runtime: Runtime = build_runtime(settings)
    engine = build_engine(settings)
    progress = DocsProgress(out=out).load()
    served = set(served_sections(GUIDE_DIR))
    try:
        for chunk in chunks:
            if chunk.key in progress.settled:
                continue

            async def of_chunk(calls: list[LlmCall], chunk: Chunk = chunk) -> ChunkResult:
                return await pairs_of_chunk(
                    runtime=runtime, chunk=chunk, n=n, kept=progress.questions, served=served, calls=calls
                )

            await _unit(settings=settings, engine=engine, unit=chunk.key, work=of_chunk, progress=progress)
        for locale in sorted({chunk.locale for chunk in chunks}):
            unit = f"negatives:generated:{locale}"
            if negatives == 0 or unit in progress.settled:
                continue
            topics = [s.title for s in load_guide(GUIDE_DIR)[locale][1]]

            async def of_topics(calls: list[LlmCall], locale: str = locale, topics: list[str] = topics) -> ChunkResult:
                return await generated_negatives(
                    runtime=runtime, locale=locale, topics=topics, n=negatives, kept=progress.questions, calls=calls
                )

            await _unit(settings=settings, engine=engine, unit=unit, work=of_topics, progress=progress)
        if negatives_file is not None and "negatives:list" not in progress.settled:
            progress.save(unit="negatives:list", result=listed_negatives(path=negatives_file, kept=progress.questions))
    finally:
        await runtime.aclose()
        await engine.dispose()
    return progress

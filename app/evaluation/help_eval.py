"""`calendy eval-help SET`: retrieval hit@k, abstention precision and recall, and cited links that do not exist."""

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import build_engine
from app.db.migrate import upgrade_database
from app.errors import AppError
from app.help.answer import check_reply
from app.ops.llmcall import LlmCall
from app.runtime import Runtime, build_runtime
from app.schemas import HelpRequest, Locale
from app.services.help import GUIDE_DIR, answer_question, retrieve_sections, served_sections
from app.settings import get_settings
from app.training.dataset_cli import fail
from app.training.synth_cli import _log, _record

# Each question's model calls go into the request log as the service's do (calendy logs lists them).
ROUTE = "cli:eval-help"


class HelpCase(BaseModel):
    """One line of the set: a question and the section that answers it (None: the guide does not)."""

    question: str
    locale: Locale
    expected: str | None


@dataclass
class HelpScores:
    """Counts over the set, and the figures computed from them."""

    answerable: int = 0
    hit1: int = 0
    hit3: int = 0
    unanswerable: int = 0
    abstained: int = 0
    abstained_right: int = 0
    invented_links: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report, one figure a line."""

        def share(part: int, whole: int) -> str:
            return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a (0/0)"

        return [
            f"questions: {self.answerable + self.unanswerable} ({self.answerable} answerable, "
            f"{self.unanswerable} not covered by the guide)",
            f"retrieval hit@1: {share(self.hit1, self.answerable)}",
            f"retrieval hit@3: {share(self.hit3, self.answerable)}",
            f"abstention precision: {share(self.abstained_right, self.abstained)}",
            f"abstention recall: {share(self.abstained_right, self.unanswerable)}",
            f"cited sections that do not exist: {len(self.invented_links)}",
        ]


def read_cases(path: Path) -> list[HelpCase]:
    """The evaluation set (JSONL)."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                cases.append(HelpCase.model_validate_json(line))
            except ValidationError as exc:
                raise ValueError(f"{path}:{number}: {exc.errors()[0]['msg']}") from exc
    return cases


async def score_cases(
    *, cases: list[HelpCase], runtime: Runtime | None, directory: Path = GUIDE_DIR, engine: AsyncEngine | None = None
) -> HelpScores:
    """Retrieval on each answerable question; the service's whole answer (abstention, links) on every one.

    With `engine`, each question's model calls are logged like the service's (route cli:eval-help).
    """
    scores = HelpScores()
    served = set(served_sections(directory))
    for case in cases:
        if case.expected is not None:
            scores.answerable += 1
            slugs = [s.slug for s in retrieve_sections(question=case.question, locale=case.locale, directory=directory)]
            scores.hit1 += slugs[:1] == [case.expected]
            scores.hit3 += case.expected in slugs[:3]
            if case.expected not in slugs[:3]:
                scores.misses.append(f"missed {case.expected}: {case.question} (got {slugs})")
        else:
            scores.unanswerable += 1
        record = _record(ROUTE)
        record.prompt = case.question
        calls: list[LlmCall] = record.calls
        try:
            response = await answer_question(
                request=HelpRequest(question=case.question, locale=case.locale), request_id=record.request_id,
                directory=directory, runtime=runtime, calls=calls,
            )  # fmt: skip
            record.status, record.engine, record.model = "ok", response.engine, response.model
        except AppError as exc:
            record.http_status, record.error_code, record.error_message = exc.status_code, exc.code, exc.message
            raise
        finally:
            if calls and engine is not None and runtime is not None:
                await _log(engine=engine, settings=runtime.settings, record=record, calls=calls, route=ROUTE)
        # Every link that goes out, in the sources and in the answer's text, must be a served section.
        links = [s.url for s in response.sources]
        links += check_reply(text=response.answer, served=served).stripped if not response.abstained else []
        scores.invented_links += [url for url in links if url not in served]
        if response.abstained:
            scores.abstained += 1
            scores.abstained_right += case.expected is None
            if case.expected is not None:
                scores.misses.append(f"abstained on {case.expected}: {case.question}")
        elif case.expected is None:
            scores.misses.append(f"answered a question the guide does not cover: {case.question}")
    return scores


def eval_help_command(
    cases_file: Annotated[Path, typer.Argument(help="Help evaluation set (JSONL: question, locale, expected).")],
    llm: Annotated[bool, typer.Option(help="Answer with the configured help model (else retrieval alone).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss.")] = False,
) -> None:
    """Score help on a set: hit@1/hit@3 of retrieval, abstention precision/recall, invented links (must be 0)."""
    try:
        cases = read_cases(cases_file)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from exc
    settings = get_settings()
    if llm and not settings.llm_configured:
        raise fail("--llm needs an LLM: set CALENDY_LLM_API_KEY (or OPENAI_API_KEY)")

    if llm and settings.db_auto_migrate:
        upgrade_database(settings)

    async def run() -> tuple[HelpScores, str]:
        if not llm:
            return await score_cases(cases=cases, runtime=None), "docs (retrieval only)"
        runtime, engine = build_runtime(settings), build_engine(settings)
        try:
            # The model the service would answer with: the one chosen with `models use --purpose help`.
            model = await runtime.llm.help_model() if runtime.llm is not None else settings.llm_model
            return await score_cases(cases=cases, runtime=runtime, engine=engine), f"llm ({model})"
        finally:
            await runtime.aclose()
            await engine.dispose()

    scores, answered_by = asyncio.run(run())
    typer.echo(f"engine: {answered_by}")
    typer.echo("\n".join(scores.lines()))
    for miss in scores.misses if verbose else []:
        typer.echo(f"  {miss}")
    if scores.invented_links:
        typer.echo(json.dumps(scores.invented_links, ensure_ascii=False))
        raise typer.Exit(1)

"""Help evaluation: retrieval hit@k, abstention precision and recall, and cited links that do not exist."""

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import AppError
from app.help.answer import check_reply
from app.ops.llmcall import LlmCall
from app.ops.run_log import run_record, write_run_log
from app.schemas import HelpRequest, Locale
from app.services.help import GUIDE_DIR, answer_question, retrieve_sections, served_sections
from app.services.runtime import Runtime

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
        record = run_record(ROUTE)
        record.prompt = case.question
        calls: list[LlmCall] = record.calls
        try:
            response = await answer_question(
                request=HelpRequest(question=case.question, locale=case.locale), request_id=record.request_id,
                directory=directory, runtime=runtime, calls=calls,
            )  # fmt: skip
            record.status, record.engine, record.model = "ok", response.engine, response.model
        except AppError as exc:
            record.http_status = exc.status_code
            record.note_error(code=exc.code, message=exc.message)
            raise
        finally:
            if calls and engine is not None and runtime is not None:
                await write_run_log(engine=engine, settings=runtime.settings, record=record, calls=calls, route=ROUTE)
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

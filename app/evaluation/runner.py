"""Running an answerer (in-process or over HTTP) over evaluation cases and scoring each answer."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from ulid import ULID

from app.errors import AppError
from app.evaluation.cases import request_from_case
from app.evaluation.cassette import watch_case
from app.evaluation.scoring import Verdict, score_answer
from app.ops.llmcall import CallRecorder
from app.schemas import SqlRequest, Usage
from app.services.commands import convert_command
from app.services.runtime import Runtime


@dataclass(frozen=True)
class Answer:
    """What the service said to one case: a status and statements, or an error code, or a cassette miss."""

    status: str = "error"
    statements: list[str] = field(default_factory=list)
    engine: str | None = None
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    misses: list[str] = field(default_factory=list)


AnswerCase = Callable[[dict[str, Any]], Awaitable[Answer]]


@dataclass(frozen=True)
class CaseResult:
    """One case's answer and verdict."""

    case: dict[str, Any]
    answer: Answer
    verdict: Verdict
    latency_ms: float

    @property
    def case_id(self) -> str:
        """The case's id."""
        return str(self.case.get("id", "?"))

    @property
    def tags(self) -> list[str]:
        """The case's tags."""
        return list(self.case.get("tags", []))

    @property
    def expected(self) -> str:
        """The status the case expects."""
        return str(self.case["expect"]["status"])


def in_process_answerer(*, runtime: Runtime, engine: str) -> AnswerCase:
    """Answer cases with the service function itself, as POST /v1/sql would."""

    async def answer(case: dict[str, Any]) -> Answer:
        recorder = CallRecorder()
        with watch_case(str(case.get("id", "?"))) as misses:
            try:
                request = SqlRequest.model_validate(request_from_case(case, engine=engine))
                response = await convert_command(
                    runtime=runtime, request=request, request_id=str(ULID()), recorder=recorder
                )
            except ValidationError:
                return Answer(error="invalid_request")
            except Exception as exc:
                # An AppError carries its code; any other exception is a bug: one wrong case, not the run's end.
                code = exc.code if isinstance(exc, AppError) else f"internal_error ({exc.__class__.__name__}: {exc})"
                return Answer(error=code, misses=list(misses), usage=recorder.usage or Usage())
        return Answer(
            status=response.status,
            statements=[s.sql for s in response.statements],
            engine=response.engine,
            usage=recorder.usage or Usage(),
            # A miss on a repair call can end in a declined answer: still a miss, never an answer.
            misses=list(misses),
        )

    return answer


def judge_answer(*, case: dict[str, Any], answer: Answer, schema_sql: str) -> Verdict:
    """The verdict on one answer: a cassette miss, an error (wrong, its code the reason), or the score."""
    if answer.misses:
        return Verdict("miss", reason=f"request {answer.misses[0][:12]} is not in the cassette: record it again")
    if answer.error is not None:
        return Verdict("wrong", reason=f"error {answer.error}")
    return score_answer(case=case, schema_sql=schema_sql, status=answer.status, statements=answer.statements)


async def evaluate_cases(
    *,
    cases: list[dict[str, Any]],
    answer_case: AnswerCase,
    schema_sql: str,
    concurrency: int = 4,
    on_done: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Answer every case with at most `concurrency` in flight; results keep the cases' order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: dict[str, Any]) -> CaseResult:
        async with gate:
            started = time.perf_counter()
            answer = await answer_case(case)
            latency_ms = (time.perf_counter() - started) * 1000
        verdict = judge_answer(case=case, answer=answer, schema_sql=schema_sql)
        result = CaseResult(case=case, answer=answer, verdict=verdict, latency_ms=latency_ms)
        if on_done is not None:
            on_done(result)
        return result

    return list(await asyncio.gather(*(one(case) for case in cases)))

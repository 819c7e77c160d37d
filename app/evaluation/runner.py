"""Running an engine over evaluation cases in-process and scoring each answer."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from ulid import ULID

from app.errors import AppError
from app.evaluation.cases import request_from_case
from app.evaluation.scoring import Verdict, score_answer
from app.llm.client import LlmCall
from app.runtime import Runtime
from app.schemas import SqlRequest, Usage
from app.services.commands import convert_command


@dataclass
class CaseResult:
    """One case's answer and verdict."""

    case_id: str
    tags: list[str]
    expected: str
    status: str
    engine: str | None
    statements: list[str]
    verdict: Verdict
    latency_ms: float
    usage: Usage = field(default_factory=Usage)
    error: str | None = None


async def answer_case(*, runtime: Runtime, case: dict[str, Any], engine: str) -> CaseResult:
    """Ask the service function for one case and score the answer by executing it."""
    calls: list[LlmCall] = []
    started = time.perf_counter()
    status, statements, answered_by, error = "error", [], None, None
    try:
        request = SqlRequest.model_validate(request_from_case(case, engine=engine))
        response = await convert_command(runtime=runtime, request=request, request_id=str(ULID()), calls=calls)
        status, answered_by = response.status, response.engine
        statements = [s.sql for s in response.statements]
    except (AppError, ValidationError) as exc:
        error = getattr(exc, "code", "invalid_request")
    latency = (time.perf_counter() - started) * 1000
    if error is None:
        verdict = score_answer(case=case, schema_sql=runtime.schema.ddl, status=status, statements=statements)
    else:
        verdict = Verdict(False, reason=f"error {error}")
    usage = sum((c.usage for c in calls if c.usage), Usage())
    return CaseResult(
        case_id=case.get("id", "?"),
        tags=list(case.get("tags", [])),
        expected=case["expect"]["status"],
        status=status,
        engine=answered_by,
        statements=statements,
        verdict=verdict,
        latency_ms=latency,
        usage=usage,
        error=error,
    )


async def evaluate_cases(
    *,
    runtime: Runtime,
    cases: list[dict[str, Any]],
    engine: str,
    concurrency: int = 4,
    on_done: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Answer every case with at most `concurrency` in flight; results keep the cases' order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: dict[str, Any]) -> CaseResult:
        async with gate:
            result = await answer_case(runtime=runtime, case=case, engine=engine)
        if on_done is not None:
            on_done(result)
        return result

    return list(await asyncio.gather(*(one(case) for case in cases)))

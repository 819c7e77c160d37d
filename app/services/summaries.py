"""POST /v1/summary as a service: a briefing from the LLM, or the deterministic one."""

import re
import time
from datetime import datetime

from app.errors import AppError, LlmUnavailable
from app.llm.client import complete_chat
from app.llm.prompts import render
from app.ops.llmcall import CallRecorder
from app.schemas import SummaryPlan, SummaryRequest, SummaryResponse
from app.services.briefing import brief_plans
from app.services.runtime import Runtime

_HANGUL = re.compile(r"[가-힣]")


def _locale(request: SummaryRequest) -> str:
    if request.locale:
        return request.locale
    return "ko" if any(_HANGUL.search(plan.title) for plan in request.plans) else "en"


def _plan_line(plan: SummaryPlan) -> str:
    if plan.kind == "todo":
        when = f"due {plan.due_time}"
        state = "done" if plan.complete else "not done"
    else:
        when, state = f"{plan.start_time} to {plan.end_time}", ""
    cells = [f"{plan.kind} #{plan.id}", plan.title, when, plan.category or "", state, plan.memo or ""]
    return " | ".join(cell.replace("\n", " ") for cell in cells if cell)


def _distance(plan: SummaryPlan, now: datetime) -> tuple[bool, float]:
    """Open plans before done ones, then the nearest to `now` (undated plans last)."""
    when = plan.due_time if plan.kind == "todo" else plan.start_time
    seconds = abs((datetime.fromisoformat(when) - now).total_seconds()) if when else float("inf")
    return bool(plan.complete), seconds


def _plan_lines(*, plans: list[SummaryPlan], now: str, max_plans: int, max_chars: int) -> str:
    """The most relevant plans that fit the caps, and how many were left out."""
    ranked = sorted(plans, key=lambda plan: _distance(plan, datetime.fromisoformat(now)))
    lines: list[str] = []
    size = 0
    for plan in ranked[:max_plans]:
        line = _plan_line(plan)
        if size + len(line) + 1 > max_chars:
            break
        lines.append(line)
        size += len(line) + 1
    if len(lines) < len(plans):
        lines.append(f"({len(plans) - len(lines)} more plans left out; mention that in the briefing)")
    return "\n".join(lines)


async def summarize_plans(
    *, runtime: Runtime, request: SummaryRequest, request_id: str, recorder: CallRecorder
) -> SummaryResponse:
    """Brief the selected plans; `auto` falls back to the local briefing if the LLM fails."""
    settings = runtime.settings
    locale = _locale(request)
    use_llm = request.engine == "llm" or (request.engine == "auto" and runtime.llm is not None)
    if use_llm:
        if runtime.llm is None:
            raise LlmUnavailable("no LLM is configured (set OPENAI_API_KEY or OPENAI_BASE_URL)")
        system = render(
            runtime.templates.summary_system,
            language="Korean" if locale == "ko" else "English",
            max_chars=settings.summary_max_chars,
        )
        user = render(
            runtime.templates.summary_user,
            now=request.now,
            plans=_plan_lines(
                plans=request.plans,
                now=request.now,
                max_plans=settings.summary_llm_max_plans,
                max_chars=settings.summary_llm_max_chars,
            )
            or "(no plans)",
        )
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        try:
            result = await complete_chat(
                runtime=runtime.llm,
                messages=messages,
                deadline=time.monotonic() + settings.llm_request_budget_s,
                purpose="summary",
                recorder=recorder,
                max_tokens=600,
            )
        except AppError:
            if request.engine == "llm":
                raise
        else:
            text = result.text.strip()
            if len(text) > settings.summary_max_chars:
                text = text[: settings.summary_max_chars - 1].rstrip() + "…"
            return SummaryResponse(
                request_id=request_id, summary=text, engine="llm", model=result.model, usage=result.usage
            )
    text = brief_plans(plans=request.plans, now=request.now, locale=locale, max_chars=settings.summary_max_chars)
    return SummaryResponse(request_id=request_id, summary=text, engine="local", model=None, usage=None)

"""POST /v1/help as a service: the help model answers from the guide's best sections, with checked links.

With no LLM configured (or when it fails) the best sections are the answer; nothing relevant
retrieved, or the model saying the sections do not cover it, is an abstention.
"""

import logging
import re
import time
from functools import cache
from pathlib import Path
from string import Template

from app.errors import AppError
from app.help.answer import check_reply, help_messages
from app.help.guide import Section, load_guide
from app.help.retrieval import SectionIndex
from app.llm.client import complete_chat
from app.llm.prompts import load_template
from app.ops.llmcall import CallRecorder, LlmCall
from app.schemas import HelpRequest, HelpResponse, HelpSource, Locale
from app.services.runtime import Runtime
from app.settings import PROJECT_ROOT

logger = logging.getLogger("calendy.help")
# A list item, a numbered step, a heading or a table row starts its own line; other lines continue one.
_NEW_LINE = re.compile(r"([-*+] |\d+[.)] |#|\|)")
GUIDE_DIR = PROJECT_ROOT / "docs"
# Below this BM25 score a section shares only incidental words with the question (measured on
# the guide: off-topic questions score under 0.9, covered ones over 1.3).
MIN_SCORE = 1.0
# Sections put in the help model's prompt (the docs answer shows the best two).
PROMPT_SECTIONS = 3
_HANGUL = re.compile(r"[가-힣]")
ABSTAIN = {
    "ko": "이 질문은 Calendy 안내서에서 다루지 않아서 답할 수 없습니다.",
    "en": "The Calendy guide does not cover this question, so I cannot answer it.",
}


@cache
def section_index(directory: Path, locale: str) -> SectionIndex:
    """The BM25 index of one locale's guide, built once per process."""
    # The section about asking questions is left out: its words match every question.
    return SectionIndex.build([s for s in load_guide(directory)[locale][1] if s.slug != "help"])


@cache
def served_sections(directory: Path) -> dict[str, Section]:
    """Every section of the served guide by its link: the only links an answer may carry."""
    return {s.url: s for _, sections in load_guide(directory).values() for s in sections}


@cache
def _help_templates(directory: Path) -> tuple[Template, Template]:
    return load_template(directory=directory, name="help_system"), load_template(directory=directory, name="help_user")


def question_locale(*, request: HelpRequest) -> Locale:
    """The request's locale, else Korean when the question has Hangul."""
    return request.locale or ("ko" if _HANGUL.search(request.question) else "en")


def retrieve_sections(*, question: str, locale: str, directory: Path = GUIDE_DIR, k: int = 3) -> list[Section]:
    """The best sections scoring at least MIN_SCORE, best first (none: the guide does not cover it)."""
    return [s for s, score in section_index(directory, locale).search(question, k=k) if score >= MIN_SCORE]


def unwrap(body: str) -> str:
    """A section's Markdown with its hard line wraps joined, so a chat shows sentences, not cut lines."""
    lines: list[str] = []
    for line in body.splitlines():
        text = line.strip()
        starts = not text or not lines or not lines[-1] or _NEW_LINE.match(text) is not None
        if starts:
            lines.append(text)
        else:
            lines[-1] = f"{lines[-1]} {text}"
    return "\n".join(lines).strip()


def _sources(sections: list[Section]) -> list[HelpSource]:
    return [HelpSource(title=s.title, url=s.url) for s in sections]


async def answer_question(
    *,
    request: HelpRequest,
    request_id: str,
    directory: Path = GUIDE_DIR,
    runtime: Runtime | None = None,
    calls: list[LlmCall] | None = None,
) -> HelpResponse:
    """Answer from the best matching sections, linking them; abstain when nothing relevant is found.

    With a runtime whose LLM is configured, the help model writes the answer (its calls appended
    to `calls`); without one, the best sections are the answer.
    """
    locale = question_locale(request=request)
    hits = retrieve_sections(question=request.question, locale=locale, directory=directory, k=PROMPT_SECTIONS)
    abstain = HelpResponse(request_id=request_id, answer=ABSTAIN[locale], abstained=True, engine="docs")
    if not hits:
        return abstain  # nothing relevant: no model call
    docs = HelpResponse(
        request_id=request_id,
        answer="\n\n".join(f"{s.title}: {unwrap(s.body)}" for s in hits[:2]),
        sources=_sources(hits[:2]),
        engine="docs",
    )
    if runtime is None or runtime.llm is None:
        return docs
    llm = runtime.llm
    system, user = _help_templates(runtime.settings.prompts_dir)
    messages = help_messages(system=system, user=user, sections=hits, question=request.question)
    deadline = time.monotonic() + runtime.settings.llm_request_budget_s
    try:
        result = await complete_chat(
            runtime=llm, messages=messages, deadline=deadline, purpose="help",
            recorder=CallRecorder(calls), model=await llm.help_model(),
        )  # fmt: skip
    except AppError as exc:
        # The call is in the log with its error; the user still gets the guide's own sections.
        logger.warning("help model failed, answering from the sections", extra={"code": exc.code})
        return docs
    served = served_sections(directory)
    reply = check_reply(text=result.text, served=served)
    if reply.stripped:
        logger.warning("links the guide does not serve were stripped", extra={"links": reply.stripped})
    if reply.abstained:
        return abstain.model_copy(update={"engine": "llm", "model": result.model, "usage": result.usage})
    cited = [served[url] for url in reply.cited] or hits[:1]
    return HelpResponse(
        request_id=request_id,
        answer=reply.text,
        sources=_sources(cited),
        engine="llm",
        model=result.model,
        usage=result.usage,
    )

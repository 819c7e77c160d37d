"""POST /v1/help as a service: the guide's best sections, or an abstention when none is relevant."""

import re
from functools import cache
from pathlib import Path

from app.help.guide import load_guide
from app.help.retrieval import SectionIndex
from app.schemas import HelpRequest, HelpResponse, HelpSource
from app.settings import PROJECT_ROOT

GUIDE_DIR = PROJECT_ROOT / "docs"
# Below this BM25 score a section shares only incidental words with the question (measured on
# the guide: off-topic questions score under 0.9, covered ones over 1.3).
MIN_SCORE = 1.0
_HANGUL = re.compile(r"[가-힣]")
_ABSTAIN = {
    "ko": "이 질문은 Calendy 안내서에서 다루지 않아서 답할 수 없습니다.",
    "en": "The Calendy guide does not cover this question, so I cannot answer it.",
}


@cache
def section_index(directory: Path, locale: str) -> SectionIndex:
    """The BM25 index of one locale's guide, built once per process."""
    # The section about asking questions is left out: its words match every question.
    return SectionIndex.build([s for s in load_guide(directory)[locale][1] if s.slug != "help"])


async def answer_question(*, request: HelpRequest, request_id: str, directory: Path = GUIDE_DIR) -> HelpResponse:
    """Answer from the best matching sections, linking them; abstain when nothing relevant is found."""
    locale = request.locale or ("ko" if _HANGUL.search(request.question) else "en")
    hits = [(s, score) for s, score in section_index(directory, locale).search(request.question) if score >= MIN_SCORE]
    if not hits:
        return HelpResponse(request_id=request_id, answer=_ABSTAIN[locale], sources=[], abstained=True, engine="docs")
    answer = "\n\n".join(f"{s.title}: {s.body}" for s, _ in hits[:2])
    sources = [HelpSource(title=s.title, url=s.url) for s, _ in hits[:2]]
    return HelpResponse(request_id=request_id, answer=answer, sources=sources, abstained=False, engine="docs")

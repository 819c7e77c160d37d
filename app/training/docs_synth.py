"""Pairs from the docs, the Patterns way: three questions per chunk, answers from the chunk alone.

Each answer is checked before it is kept: a cheap lexical check (its words must come from the
chunk) and the model's own grounding verdict; near-duplicate questions are dropped. Negatives
(questions the docs do not answer) are paired with the abstaining answer.
"""

import re
import time
from dataclasses import dataclass, field

from rapidfuzz import fuzz, utils

from app.errors import AppError
from app.help.answer import NOT_COVERED, check_reply
from app.help.retrieval import tokenize
from app.llm.client import complete_chat
from app.llm.prompts import load_template, render
from app.ops.llmcall import CallRecorder, LlmCall
from app.services.help import ABSTAIN, retrieve_sections
from app.services.runtime import Runtime
from app.training.docs_chunks import Chunk
from app.training.help_pairs import HelpPair
from app.training.synth import parse_commands

LANGUAGES = {"ko": "Korean", "en": "English"}
# Share of the answer's words (Korean as bigrams) that must occur in the chunk.
MIN_OVERLAP = 0.6
# rapidfuzz ratio (0-100) from which two questions count as the same question.
DUPLICATE_RATIO = 90.0
_LINKS = re.compile(r"\[[^\]]*\]\([^)]*\)|https?://\S+|/docs/\S+")


@dataclass
class ChunkResult:
    """What one chunk gave: the kept pairs and each dropped question with its reason."""

    pairs: list[HelpPair] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)


def lexical_overlap(*, answer: str, chunk: str) -> float:
    """The share of the answer's tokens (links left out) that occur in the chunk."""
    words = tokenize(_LINKS.sub(" ", answer))
    if not words:
        return 0.0
    known = set(tokenize(chunk))
    return sum(word in known for word in words) / len(words)


def is_near_duplicate(*, question: str, kept: list[str]) -> bool:
    """True when a kept question says nearly the same (case, spacing and punctuation aside)."""
    return any(fuzz.ratio(question, other, processor=utils.default_process) >= DUPLICATE_RATIO for other in kept)


async def _ask(*, runtime: Runtime, name: str, purpose: str, calls: list[LlmCall], **values: object) -> str:
    if runtime.llm is None:
        raise AppError("no LLM configured: set CALENDY_LLM_API_KEY")
    template = load_template(directory=runtime.settings.prompts_dir, name=name)
    messages = [{"role": "user", "content": render(template, **values)}]
    deadline = time.monotonic() + runtime.settings.llm_request_budget_s
    result = await complete_chat(
        runtime=runtime.llm, messages=messages, deadline=deadline, purpose=purpose, recorder=CallRecorder(calls),
        model=runtime.settings.llm_model,
    )  # fmt: skip
    return result.text.strip()


async def generate_questions(*, runtime: Runtime, chunk: Chunk, n: int, calls: list[LlmCall]) -> list[str]:
    """n questions a user would ask that the chunk answers."""
    text = await _ask(
        runtime=runtime, name="docs_questions", purpose="help_questions", calls=calls,
        n=n, language=LANGUAGES[chunk.locale], chunk=chunk.text,
    )  # fmt: skip
    return parse_commands(text=text, n=n)


async def is_grounded(*, runtime: Runtime, chunk: Chunk, question: str, answer: str, calls: list[LlmCall]) -> bool:
    """The model's verdict, with its own prompt: does every statement rest on the chunk?"""
    verdict = await _ask(
        runtime=runtime, name="docs_grounding", purpose="help_grounding", calls=calls,
        chunk=chunk.text, question=question, answer=answer,
    )  # fmt: skip
    return verdict.upper().startswith("GROUNDED")


async def answer_from_chunk(
    *, runtime: Runtime, chunk: Chunk, question: str, served: set[str], calls: list[LlmCall]
) -> tuple[str | None, str]:
    """The answer from the chunk alone, checked (lexically, then by the model), or None and why."""
    text = await _ask(
        runtime=runtime, name="docs_answer", purpose="help_answer", calls=calls, language=LANGUAGES[chunk.locale],
        title=chunk.title, link=chunk.url or "", chunk=chunk.text, question=question,
    )  # fmt: skip
    if NOT_COVERED in text:
        return None, "not covered by its own chunk"
    reply = check_reply(text=text, served=served)
    if reply.abstained:
        return None, "nothing left after the links were checked"
    answer = reply.text
    if chunk.url is not None and chunk.url not in reply.cited:
        answer = f"{answer}\n\n[{chunk.title}]({chunk.url})"  # every pair keeps its section link
    overlap = lexical_overlap(answer=answer, chunk=chunk.text)
    if overlap < MIN_OVERLAP:
        return None, f"lexical overlap {overlap:.2f} < {MIN_OVERLAP}"
    if not await is_grounded(runtime=runtime, chunk=chunk, question=question, answer=answer, calls=calls):
        return None, "ungrounded (grounding check)"
    return answer, "ok"


async def pairs_of_chunk(
    *, runtime: Runtime, chunk: Chunk, n: int, kept: list[str], served: set[str], calls: list[LlmCall]
) -> ChunkResult:
    """Questions for one chunk, each answered and checked; `kept` (all questions kept so far) grows."""
    result = ChunkResult()
    for question in await generate_questions(runtime=runtime, chunk=chunk, n=n, calls=calls):
        if is_near_duplicate(question=question, kept=kept):
            result.dropped.append((question, "near-duplicate question"))
            continue
        answer, reason = await answer_from_chunk(
            runtime=runtime, chunk=chunk, question=question, served=served, calls=calls
        )
        if answer is None:
            result.dropped.append((question, reason))
            continue
        kept.append(question)
        result.pairs.append(
            HelpPair(
                question=question,
                answer=answer,
                locale=chunk.locale,
                chunk_id=chunk.id,
                chunk_key=chunk.key,
                chunk=chunk.text,
                url=chunk.url,
                source=f"docs:{chunk.id}",
            )
        )
    return result


def negative_pair(*, question: str, locale: str, source: str) -> HelpPair:
    """A question the docs do not answer, paired with the abstaining answer."""
    return HelpPair(question=question, answer=ABSTAIN[locale], locale=locale, abstain=True, source=source)


async def generated_negatives(
    *, runtime: Runtime, locale: str, topics: list[str], n: int, kept: list[str], calls: list[LlmCall]
) -> ChunkResult:
    """Questions from other topics; one that retrieval matches in the docs is not trusted as a negative."""
    text = await _ask(
        runtime=runtime, name="docs_negatives", purpose="help_negatives", calls=calls,
        topics="\n".join(f"- {t}" for t in topics), n=n, language=LANGUAGES[locale],
    )  # fmt: skip
    result = ChunkResult()
    for question in parse_commands(text=text, n=n):
        if is_near_duplicate(question=question, kept=kept):
            result.dropped.append((question, "near-duplicate question"))
        elif retrieve_sections(question=question, locale=locale):
            result.dropped.append((question, "the docs may answer it (retrieval found a section)"))
        else:
            kept.append(question)
            result.pairs.append(negative_pair(question=question, locale=locale, source=f"negative:generated:{locale}"))
    return result

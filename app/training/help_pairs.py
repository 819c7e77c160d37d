"""Help pairs: a question, the answer from one chunk of the docs (or the abstention), and their origin."""

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from app.errors import InvalidRequest
from app.schemas import Locale


class HelpPair(BaseModel):
    """One line of qa.jsonl: a question about Calendy and the answer the help model should give."""

    question: str = Field(min_length=1, max_length=1000)
    answer: str = Field(min_length=1)
    locale: Locale
    # The chunk the answer rests on and its section's link (None for a negative).
    chunk_id: str | None = None
    chunk_key: str | None = None
    chunk: str | None = None
    url: str | None = None
    # True for a question the docs do not answer: the model must abstain.
    abstain: bool = False
    source: str = "docs"


def read_help_pairs(*, lines: list[tuple[int, Any]], origin: Path) -> list[HelpPair]:
    """Help pairs from (line number, parsed JSON) items; InvalidRequest lists each bad line."""
    pairs: list[HelpPair] = []
    problems: list[str] = []
    for number, raw in lines:
        try:
            pairs.append(HelpPair.model_validate(raw))
        except ValidationError as exc:
            problems.append(
                f"line {number}: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            )
    if problems:
        raise InvalidRequest(f"{origin}: {len(problems)} bad line(s)", details=problems)
    return pairs


def help_pair_line(*, pair: HelpPair) -> str:
    """One JSONL line of a help pair."""
    return json.dumps(pair.model_dump(mode="json"), ensure_ascii=False)

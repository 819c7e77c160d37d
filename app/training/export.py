"""Pairs to an OpenAI chat fine-tuning file: the service's own messages, checked before writing."""

import json
import random
import statistics
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from app.errors import AppError
from app.llm.messages import build_messages
from app.llm.prompt_records import select_records
from app.training.pairs import Pair, sql_answer

Example = dict[str, Any]
ROLES = frozenset({"system", "user", "assistant"})
MESSAGE_KEYS = frozenset({"role", "content", "name", "weight"})
# OpenAI's data-preparation cookbook: a fine-tuning example is cut beyond this many tokens.
DEFAULT_MAX_TOKENS = 16_385
MIN_EXAMPLES = 10


def build_example(*, pair: Pair, prefix: list[dict[str, Any]], templates: Any, title_budget: int) -> Example:
    """One training example: the messages the service would send, the pair's SQL as the answer."""
    request = pair.request
    records = select_records(request=request, budget=title_budget)
    messages = build_messages(
        prefix=prefix, templates=templates, now=request.now, records=records, history=request.history,
        prompt=request.prompt,
    )  # fmt: skip
    return {"messages": [*messages, {"role": "assistant", "content": sql_answer(statements=pair.sql)}]}


def split_examples(*, examples: list[Example], val: float, seed: int) -> tuple[list[Example], list[Example]]:
    """A deterministic shuffle-and-cut: the same seed gives the same validation set."""
    if val <= 0:
        return list(examples), []
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    count = max(1, round(len(examples) * val))
    chosen = set(order[:count])
    train = [example for index, example in enumerate(examples) if index not in chosen]
    return train, [example for index, example in enumerate(examples) if index in chosen]


def _format_errors(example: Any) -> list[str]:
    if not isinstance(example, dict):
        return ["data_type"]
    messages = example.get("messages")
    if not isinstance(messages, list) or not messages:
        return ["missing_messages_list"]
    errors = []
    for message in messages:
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            errors.append("message_missing_key")
            continue
        if set(message) - MESSAGE_KEYS:
            errors.append("message_unrecognized_key")
        if message["role"] not in ROLES:
            errors.append("unrecognized_role")
        if not isinstance(message["content"], str) or not message["content"].strip():
            errors.append("missing_content")
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        errors.append("example_missing_assistant_message")
    return errors


@cache
def _encoding() -> Any:
    try:  # a development extra in pyproject.toml: the service itself never counts tokens
        from bpe_openai import get_encoding
    except ImportError as exc:
        raise AppError("token counts need the bpe-openai package: pip install bpe-openai") from exc
    with warnings.catch_warnings():  # its vocabulary loader uses a deprecated importlib API
        warnings.simplefilter("ignore", DeprecationWarning)
        encoding = get_encoding("o200k_base")
        encoding.encode("warm")  # the vocabulary is read on first use
    return encoding


def text_tokens(text: str) -> int:
    """Tokens of a text (o200k_base), counted offline."""
    return len(_encoding().encode(text))


def count_tokens(*, messages: list[dict[str, Any]]) -> int:
    """Tokens of one example as the cookbook counts them (o200k_base, 3 per message, 3 to prime)."""
    encoding = _encoding()
    total = 3
    for message in messages:
        total += 3 + len(encoding.encode(str(message.get("content") or ""))) + len(encoding.encode(message["role"]))
    return total


@dataclass
class DatasetReport:
    """What the checks found: counts, token figures and the problems that block writing."""

    examples: int = 0
    format_errors: Counter[str] = field(default_factory=Counter)
    tokens: list[int] = field(default_factory=list)
    too_long: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as text lines, problems last."""
        out = [f"examples: {self.examples}"]
        if self.tokens:
            out.append(
                f"tokens per example: min {min(self.tokens)}, median {statistics.median(self.tokens):g}, "
                f"max {max(self.tokens)}; total {sum(self.tokens)} (per epoch)"
            )
        out.append(f"format errors: {dict(self.format_errors) or 'none'}")
        out.append(f"duplicates: {len(self.duplicates)}; over the token limit: {len(self.too_long)}")
        return out + [f"PROBLEM: {problem}" for problem in self.problems]


def check_examples(
    *, examples: list[Any], max_tokens: int = DEFAULT_MAX_TOKENS, minimum: int = MIN_EXAMPLES
) -> DatasetReport:
    """The cookbook's checks: format, roles, empty messages, assistant turn, tokens, duplicates, count."""
    report = DatasetReport(examples=len(examples))
    seen: dict[str, int] = {}
    for number, example in enumerate(examples, 1):
        errors = _format_errors(example)
        report.format_errors.update(errors)
        if errors:
            report.problems.append(f"example {number}: {', '.join(errors)}")
            continue
        tokens = count_tokens(messages=example["messages"])
        report.tokens.append(tokens)
        if tokens > max_tokens:
            report.too_long.append(number)
            report.problems.append(f"example {number}: {tokens} tokens, over the limit of {max_tokens}")
        key = json.dumps(example["messages"], ensure_ascii=False, sort_keys=True)
        if key in seen:
            report.duplicates.append(number)
            report.problems.append(f"example {number}: duplicate of example {seen[key]}")
        else:
            seen[key] = number
    if len(examples) < minimum:
        report.problems.append(f"{len(examples)} training examples; fine-tuning needs at least {minimum}")
    return report

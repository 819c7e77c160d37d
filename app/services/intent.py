"""The response's intent, from the kinds of its statements and the command's words."""

import re

from app.schemas import Intent, StatementKind

# Summary words of conversion-rules.md: the SELECTs are the same, only the intent differs.
_SUMMARY_WORDS = re.compile(r"요약|브리핑|summar|\bbrief\b|\brecap\b", re.IGNORECASE)


def is_summary_request(prompt: str) -> bool:
    """True when the command asks for a briefing (요약, 브리핑, summarize, brief me)."""
    return _SUMMARY_WORDS.search(prompt) is not None


def infer_intent(*, kinds: list[StatementKind], prompt: str) -> Intent | None:
    """One kind → that intent (select may be summary); several kinds → mixed; none → None."""
    distinct = set(kinds)
    if not distinct:
        return None
    if len(distinct) > 1:
        return "mixed"
    kind = distinct.pop()
    if kind == "select" and is_summary_request(prompt):
        return "summary"
    return kind

"""Finds the time pieces of a command: runs every rule and keeps the leftmost-longest matches."""

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.local.time.english import EN_RULES
from app.local.time.korean import KO_RULES
from app.local.time.named import NAMED_RULES
from app.local.time.pieces import Context, Handler, Kind, Piece
from app.local.time.words import EN_PREPOSITIONS, alternation


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule; English rules run on the lower-cased text (their regexes are lower case)."""

    name: str
    pattern: re.Pattern[str]
    handler: Handler
    english: bool


def _compile(rows: list[tuple[str, str, Handler, Any]], english: bool) -> list[Rule]:
    return [Rule(name, re.compile(pattern), handler, english) for name, pattern, handler, _ in rows]


# Named days first: at the same span they win over the generic rules (월말까지 is not vague here).
_NAMED_KO = [row for row in NAMED_RULES if row[0].startswith("ko_")]
_NAMED_EN = [row for row in NAMED_RULES if row[0].startswith("en_")]
_ROWS: list[tuple[str, str, Handler, Any]] = [*_NAMED_KO, *_NAMED_EN, *KO_RULES, *EN_RULES]
RULES: tuple[Rule, ...] = (
    *_compile(_NAMED_KO, english=False),
    *_compile(_NAMED_EN, english=True),
    *_compile(KO_RULES, english=False),
    *_compile(EN_RULES, english=True),
)
# Case-insensitive twins, for the rare text whose lower-casing changes its length (İ → i̇).
_CASELESS = {rule.name: re.compile(rule.pattern.pattern, re.IGNORECASE) for rule in RULES if rule.english}


def _trigger_index() -> dict[str, frozenset[int]]:
    """Trigger → the rules it wakes."""
    # A trigger is one character that must be in the text (a Korean syllable, ':'), the first 2–4
    # letters of an English word (satu → Saturday, Saturdays), or "=" and a whole word (=sat).
    index: dict[str, set[int]] = {}
    for order, (_, _, _, triggers) in enumerate(_ROWS):
        for trigger in triggers:
            index.setdefault(trigger, set()).add(order)
    return {trigger: frozenset(orders) for trigger, orders in index.items()}


_WAKES = _trigger_index()
_WAKE_KEYS = frozenset(_WAKES)
_WORD = re.compile(r"[a-z]+")


def _woken_rules(text: str, lowered: str) -> list[int]:
    """The rules worth running on this text, in rule order (a cheap filter before the regexes)."""
    keys = set(text)
    for word in _WORD.findall(lowered):
        keys.update((word[:2], word[:3], word[:4], "=" + word))
    return sorted(set().union(*(_WAKES[key] for key in keys & _WAKE_KEYS)))


_LATIN = re.compile(r"[A-Za-z]")
# A quoted title; an ASCII quote only counts at a word edge (Mom's is not a quote).
_QUOTED = re.compile(
    r"(?<![A-Za-z0-9])'[^'\n]+'(?![A-Za-z0-9])|(?<![A-Za-z0-9])\"[^\"\n]+\"(?![A-Za-z0-9])"
    r"|‘[^’\n]+’|“[^”\n]+”|「[^」\n]+」|『[^』\n]+』"
)
_PREPOSITIONS = alternation(EN_PREPOSITIONS).replace(" ", r"\s+")
_PREPOSITION = re.compile(rf"\b({_PREPOSITIONS})\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Scan:
    """The pieces of one text, in order, and the spans of its quoted titles."""

    pieces: list[Piece]
    quotes: list[tuple[int, int]]


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < quote_end and quote_start < end for quote_start, quote_end in spans)


def _take_preposition(text: str, found: Piece, floor: int) -> Piece:
    """`found` extended back over an English preposition before it, with the role it gives."""
    low = max(floor, found.start - 24)
    match = _PREPOSITION.search(text, low, found.start)
    if match is None or (match.start() == low and low > 0 and text[low - 1].isalnum()):
        return found
    word = " ".join(match[1].lower().split())
    role = EN_PREPOSITIONS[word]
    if role == "vague":
        if found.kind in (Kind.DAY, Kind.CLOCK, Kind.PERIOD):
            return replace(found, kind=Kind.UNKNOWN, text=text[match.start() : found.end].strip())
        return found
    found = replace(found, start=match.start(), preposition=word)
    if role and not found.marker:
        found = replace(found, marker=role, marker_before=True)
    return found


def scan(text: str, now: datetime) -> Scan:
    """Every time piece of `text`, none inside a quoted title, none overlapping another."""
    ctx = Context(now)
    quotes = [match.span() for match in _QUOTED.finditer(text)] if ("'" in text or '"' in text or
              any(mark in text for mark in "‘“「『")) else []  # fmt: skip
    lowered = text.lower()
    caseless = len(lowered) != len(text)
    candidates: list[tuple[int, int, int, re.Match[str], Rule]] = []
    for order in _woken_rules(text, lowered):
        rule = RULES[order]
        subject = lowered if rule.english else text
        pattern = _CASELESS[rule.name] if rule.english and caseless else rule.pattern
        for match in pattern.finditer(text if caseless else subject):
            start, end = match.span()
            if end > start and not (quotes and _inside(start, end, quotes)):
                candidates.append((start, -end, order, match, rule))
    candidates.sort(key=lambda candidate: candidate[:3])
    pieces: list[Piece] = []
    taken_until = 0
    for start, negative_end, _, match, rule in candidates:
        if start < taken_until:
            continue
        found = rule.handler(match, ctx)
        if found:
            pieces.extend(found)
            taken_until = -negative_end
    floor, has_latin = 0, _LATIN.search(text) is not None
    taken: list[Piece] = []
    for item in pieces:
        if item.end > item.start and has_latin:
            item = _take_preposition(text, item, floor)
        taken.append(item)
        floor = max(floor, item.end)
    return Scan(taken, quotes)

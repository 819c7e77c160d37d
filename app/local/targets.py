"""Which existing rows a command means: plans by title, or a category used as a class.

A phrase that is a category title reads as the category when the command says so
(`카테고리`, `관련`, `category`) or uses a bulk word (모두/전부/다/all); otherwise titles win.
A time condition always narrows the rows.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.local import lexicon as lx
from app.local.context import Decline
from app.local.records import TABLES, CategoryRef, Plan, Records, Table
from app.local.titles import category_named, match_plans, squash, tokens_of


@dataclass(frozen=True)
class NoSuchPlan:
    """The command names a plan and nothing the client sent is close to it."""

    phrase: str


@dataclass(frozen=True)
class Target:
    """Rows a command is about: explicit plans, or a category (optionally within a period)."""

    plans: tuple[Plan, ...]
    category: CategoryRef | None = None
    period: tuple[datetime, datetime] | None = None
    everything: bool = False  # every plan in the period ("내일 일정 다 취소")

    @property
    def by_condition(self) -> bool:
        """Rows chosen by a condition (category and/or period) rather than by title."""
        return self.category is not None or self.everything

    def in_table(self, table: Table) -> tuple[Plan, ...]:
        return tuple(p for p in self.plans if p.table == table)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for t in TABLES if self.in_table(t))


_CATEGORY_MARK = re.compile(r"\s*(?:카테고리|관련(?:된)?|category|related|categories)\s*", re.IGNORECASE)
_SCOPE_WORDS = re.compile(
    r"(?:^|\s)(?:일정|스케줄|할\s*일|투두|계획|plans?|tasks?|todos?|events?|items?|schedules?)(?=\s|$|[을를은는이가도의])",
    re.IGNORECASE,
)
_DROP_TOKENS = frozenset(
    {"씩", "거", "것", "건", "꺼", "로", "으로", "에", "을", "를", "의", "of", "on", "to", "in", "at"}
)
# Words that only place plans in the time condition (다음 주말에 잡힌 일정): dropped when one is given.
_PLACED = frozenset({"잡힌", "잡혀", "잡혀있는", "있는", "예정된", "등록된", "잡아둔", "잡아놓은", "들어있는"})
# Words that never stand in a plan's name the way a command would say it: verbs, quotes, time marks.
_NOT_A_NAME = re.compile(
    r"[\"§]|해줘|해 줘|줘|하고|했어|끝냈|완료|삭제|취소|지워|옮겨|미뤄|당겨|바꿔|변경|추가|알려|보여|요약"
    r"|스케줄로|일정으로"
    r"|\b(?:add|delete|remove|cancel|move|push|mark|rename|show|list|make|done|completed|finished|please|and|or)\b",
    re.IGNORECASE,
)
# An English word (not an all-caps abbreviation such as PT) that may translate a Korean title's word.
_ENGLISH_WORD = re.compile(r"\b(?![A-Z]+\b)[A-Za-z]{3,}")
# A particle or possessive left at the front once a time phrase is removed ("Friday's X" → "'s X").
_LEADING_PARTICLE = re.compile(r"^(?:(?:의|을|를|은|는|이|가|도)\s+|['’]s\s+)")


def target_phrase(body: str) -> str:
    """The naming words of a command body: time marks, bulk words and stray particles dropped."""
    words = [w for w in body.replace("§", " ").split() if w.lower() not in lx.BULK_KO | lx.BULK_EN]
    words = [w for w in words if w.lower() not in _DROP_TOKENS]
    return _LEADING_PARTICLE.sub("", " ".join(words)).strip(" ,")


def is_vague(phrase: str) -> bool:
    """A pronoun ("그거", "it") or nothing at all: the target is not named."""
    words = tokens_of(phrase)
    return not words or all(w in lx.PRONOUNS for w in words)


def _in_period(plan: Plan, period: tuple[datetime, datetime] | None) -> bool:
    if period is None:
        return True
    return plan.start is not None and period[0] <= plan.start <= period[1]


def _category_reading(phrase: str, records: Records) -> tuple[CategoryRef | None, bool, bool, str]:
    """(category the phrase names, marked as a category, said with 일정/plans, the bare words)."""
    marked = _CATEGORY_MARK.search(phrase) is not None
    bare = _CATEGORY_MARK.sub(" ", phrase)
    scoped = _SCOPE_WORDS.search(bare) is not None
    bare = _SCOPE_WORDS.sub(" ", bare).strip()
    return category_named(bare, records.categories), marked, scoped, bare


def resolve(
    body: str,
    records: Records,
    *,
    bulk: bool,
    period: tuple[datetime, datetime] | None,
    tables: Sequence[Table] = ("TODO", "SCHEDULE"),
) -> Target | NoSuchPlan:
    """The rows a command body names (raises Decline when unsure)."""
    phrase = target_phrase(body)
    if period is not None:
        phrase = " ".join(word for word in phrase.split() if word not in _PLACED)
    if period is not None and bulk and not tokens_of(_SCOPE_WORDS.sub(" ", f" {phrase} ")):
        rows = tuple(p for p in records.plans if p.table in tables and _in_period(p, period))
        return Target(rows, None, period, everything=True)
    if is_vague(phrase):
        raise Decline("no target named")
    if not tokens_of(_SCOPE_WORDS.sub(" ", f" {phrase} ")):
        raise Decline("only a table word (할 일, plans): which rows is not said")
    category, marked, scoped, bare = _category_reading(phrase, records)
    candidates = [p for p in records.plans if p.table in tables]
    if category is not None and not (marked or bulk) and scoped:
        if match_plans(bare, candidates).kind != "none":
            raise Decline("a category word that also names plans")
        marked = True
    if category is not None and (marked or bulk):
        rows = tuple(
            p for p in records.plans if p.table in tables and p.category_id == category.id and _in_period(p, period)
        )
        return Target(rows, category, period)
    if _CATEGORY_MARK.search(phrase):
        raise Decline("a category word without a known category")
    found = match_plans(phrase, candidates)
    if found.kind == "none" and len(tokens_of(phrase)) > 6:
        raise Decline("too long to be a plan title")
    if found.kind == "none" and (len(squash(phrase)) < 2 or _NOT_A_NAME.search(phrase)):
        raise Decline("does not read like a plan's name")
    if found.kind == "none" and (category is not None or category_named(phrase, records.categories)):
        raise Decline("names a category, not a plan")
    if found.kind == "none" and re.search(r"[가-힣]", phrase) and _ENGLISH_WORD.search(phrase):
        raise Decline("a phrase of two scripts matching nothing (team 회의 = 팀 회의?)")
    if found.kind == "none":
        if tables != ("TODO", "SCHEDULE") and match_plans(phrase, records.plans).kind != "none":
            raise Decline("the phrase names a plan of the other table")
        return NoSuchPlan(phrase)
    if found.kind != "match":
        raise Decline(f"title match {found.kind}")
    if category is not None and found.score < 0.999:
        raise Decline("phrase is both a category and a loose title")
    rows = tuple(p for p in found.plans if _in_period(p, period))
    if not rows:
        # The plan is named exactly but not on that day: no plan matches the command (rules: no_such_plan).
        if found.score >= 0.999:
            return NoSuchPlan(phrase)
        raise Decline("the time condition leaves no row")
    return Target(rows)

"""Fuzzy matching of a command's target phrase against the titles the client sent.

Hangul words match as substrings of the spacing-free title (so spacing and particles do
not matter), abbreviations match by initial syllables or a small table of colloquial
forms, English words match whole words case-insensitively (plural and typo tolerant).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from app.local.lexicon import ABBREVIATIONS, MATCH_FILLERS, MATCH_STOPWORDS, PARTICLES
from app.local.records import CategoryRef, Plan

_SPLIT = re.compile(r"[^0-9a-z가-힣]+")
_HANGUL = re.compile(r"[가-힣]")
_APOSTROPHES = re.compile(r"['’`]")


def tokens_of(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation and apostrophes dropped ("Dad's" -> "dads")."""
    return [tok for tok in _SPLIT.split(_APOSTROPHES.sub("", text.lower())) if tok]


@lru_cache(maxsize=8192)
def strip_particle(token: str) -> str:
    """Drop one trailing Korean particle when at least two syllables remain."""
    if not _HANGUL.search(token):
        return token
    for particle in PARTICLES:
        if token.endswith(particle) and len(token) - len(particle) >= 2:
            return token[: -len(particle)]
    return token


@lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """Spacing-, case-, punctuation- and particle-insensitive key of a title."""
    return "".join(strip_particle(tok) for tok in tokens_of(text))


@dataclass(frozen=True)
class _Title:
    """A title prepared for matching: its words and their places in the joined string."""

    words: tuple[str, ...]
    joined: str
    starts: tuple[int, ...]
    content: tuple[bool, ...]  # per char of `joined`: False for a trailing particle

    @classmethod
    @lru_cache(maxsize=4096)
    def of(cls, title: str) -> "_Title":
        words = tuple(tokens_of(title))
        starts: list[int] = []
        content: list[bool] = []
        pos = 0
        for word in words:
            starts.append(pos)
            core = len(strip_particle(word))
            content.extend(i < core for i in range(len(word)))
            pos += len(word)
        return cls(words, "".join(words), tuple(starts), tuple(content))


@dataclass(frozen=True)
class Score:
    """How well a query covers a title (q_cov) and the title is covered (t_cov)."""

    q_cov: float
    t_cov: float
    abbreviated: bool
    missing: tuple[str, ...] = ()  # query words not found in the title at all

    @property
    def value(self) -> float:
        return 0.6 * self.q_cov + 0.4 * self.t_cov - (0.05 if self.abbreviated else 0.0)

    @property
    def accepted(self) -> bool:
        return (self.q_cov >= 0.999 and self.t_cov >= 0.3) or (self.t_cov >= 0.999 and self.q_cov >= 0.5)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("es"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s"):
        return word[:-1]
    return word


def _ascii_match(tok: str, title: _Title) -> tuple[int, int] | None:
    """Char range of `joined` an English query word covers: whole words only."""
    for i, word in enumerate(title.words):
        start = title.starts[i]
        if word == tok or _stem(word) == _stem(tok):
            return start, start + len(word)
        if len(tok) >= 5 and len(word) >= 5 and fuzz.ratio(tok, word) >= 85:
            return start, start + len(word)
        if title.joined.startswith(tok, start) and len(tok) > len(word):
            end = start + len(tok)  # "yearend" against "year end"
            if end in title.starts or end == len(title.joined):
                return start, end
    return None


def _ascii_partial(tok: str, title: _Title) -> int:
    """Query chars shared as a word head ("swimming" / "swim"): evidence, not a match."""
    best = 0
    for word in title.words:
        if len(word) >= 3 and len(tok) >= 3 and (tok.startswith(word) or word.startswith(tok)):
            best = max(best, min(len(word), len(tok)))
    return best


def _initials(tok: str, title: _Title) -> tuple[int, int] | None:
    """`컴구` = first syllables of consecutive words `컴퓨터 구조`; `운체` inside `운영체제`."""
    n = len(tok)
    for i in range(len(title.words) - n + 1):
        if all(title.words[i + k][0] == tok[k] for k in range(n)):
            last = i + n - 1
            return title.starts[i], title.starts[last] + len(title.words[last])
    for i, word in enumerate(title.words):
        if len(word) > n and word[0] == tok[0] and _is_subsequence(tok, word):
            return title.starts[i], title.starts[i] + len(word)
    return None


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _hangul_match(tok: str, title: _Title, *, initials: bool) -> tuple[tuple[int, int] | None, int, bool]:
    """(covered range, matched query chars, abbreviation used) for a Hangul query word.

    Initial-syllable abbreviations (컴구 = 컴퓨터 구조) count only when another query word is
    found in the title as written: alone, 수영 would "abbreviate" 수진이랑 영화.
    """
    at = title.joined.find(tok)
    if at >= 0:
        return (at, at + len(tok)), len(tok), False
    expansion = ABBREVIATIONS.get(tok)
    if expansion is not None:
        at = title.joined.find(expansion)
        if at >= 0:
            return (at, at + len(expansion)), len(tok), True
    if initials and 2 <= len(tok) <= 4 and _HANGUL.fullmatch(tok[0]):
        span = _initials(tok, title)
        if span is not None:
            return span, len(tok), True
    # `밥먹기` against the word `밥`: the longest head of the query word that is in the title
    for cut in range(len(tok) - 1, 0, -1):
        head = tok[:cut]
        if (cut >= 2 or head in title.words) and (at := title.joined.find(head)) >= 0:
            return (at, at + cut), cut, False
    return None, 0, False


def score_title(query_tokens: Sequence[str], title: str, *, any_initials: bool = False) -> Score:
    """Score one title against already-tokenized query words (`any_initials`: also lone abbreviations)."""
    prepared = _Title.of(title)
    covered = [False] * len(prepared.joined)
    q_total = q_matched = 0
    abbreviated = False
    missing: list[str] = []
    direct = any_initials or any(_HANGUL.search(tok) and tok in prepared.joined for tok in query_tokens)
    for tok in query_tokens:
        if _HANGUL.search(tok):
            span, matched, abbr = _hangul_match(tok, prepared, initials=direct)
        else:
            span = _ascii_match(tok, prepared)
            matched, abbr = (len(tok) if span else _ascii_partial(tok, prepared)), False
        optional = tok in MATCH_FILLERS
        if optional and span is None:
            continue
        q_total += len(tok)
        q_matched += matched
        if not matched and not optional:
            missing.append(tok)
        abbreviated |= abbr
        if span is not None:
            for pos in range(*span):
                covered[pos] = True
    t_total = sum(prepared.content)
    t_hit = sum(1 for pos, is_content in enumerate(prepared.content) if is_content and covered[pos])
    if q_total == 0 or t_total == 0:
        return Score(0.0, 0.0, False)
    return Score(q_matched / q_total, t_hit / t_total, abbreviated, tuple(missing))


def query_tokens(phrase: str) -> list[str]:
    """The content words of a target phrase: particles stripped, articles dropped."""
    return [strip_particle(tok) for tok in tokens_of(phrase) if tok not in MATCH_STOPWORDS]


MatchKind = Literal["match", "ambiguous", "weak", "none", "empty"]


@dataclass(frozen=True)
class TitleMatch:
    """The outcome of matching a phrase: the plans meant (all rows of the best title)."""

    kind: MatchKind
    plans: tuple[Plan, ...] = ()
    score: float = 0.0
    q_cov: float = 0.0  # share of the phrase found in the best title

    @property
    def title(self) -> str:
        return self.plans[0].title if self.plans else ""


MARGIN = 0.12
NOTHING_CLOSE = 0.34


def match_plans(phrase: str, plans: Sequence[Plan]) -> TitleMatch:
    """The plans a phrase names: one title's rows, or why not (ambiguous, weak, none)."""
    words = query_tokens(phrase)
    if not [w for w in words if w not in MATCH_FILLERS]:
        return TitleMatch("empty")
    groups: dict[str, list[Plan]] = {}
    for plan in plans:
        groups.setdefault(squash(plan.title), []).append(plan)
    scored = sorted(
        ((score_title(words, group[0].title), group) for group in groups.values()),
        key=lambda item: item[0].value,
        reverse=True,
    )
    if not scored:
        return TitleMatch("none")
    if squash(phrase) in groups:  # exact up to spacing, case and particles
        exact = groups[squash(phrase)]
        return TitleMatch("match", tuple(exact), 1.0, 1.0)
    accepted = [(score, group) for score, group in scored if score.accepted]
    if not accepted:
        evidence = max(score_title(words, group[0].title, any_initials=True).q_cov for group in groups.values())
        key = squash(" ".join(words))
        close = any(fuzz.ratio(key, squash(group[0].title)) >= 60 for group in groups.values())
        return TitleMatch("none" if evidence < NOTHING_CLOSE and not close else "weak")
    best_score, best = accepted[0]
    if best_score.missing and any(
        score_title(best_score.missing, group[0].title).q_cov > 0 for group in groups.values() if group is not best
    ):
        return TitleMatch("ambiguous", score=best_score.value, q_cov=best_score.q_cov)  # "A랑 B 삭제"
    for score, group in scored:
        if group is best:
            continue
        rival = score.accepted or score.q_cov >= 0.999
        if rival and score.value >= best_score.value - MARGIN and score.q_cov >= best_score.q_cov - 0.2:
            return TitleMatch("ambiguous", score=best_score.value, q_cov=best_score.q_cov)
    return TitleMatch("match", tuple(best), best_score.value, best_score.q_cov)


def category_named(phrase: str, categories: Sequence[CategoryRef]) -> CategoryRef | None:
    """The category whose title the phrase is, up to spacing, case and particles."""
    key = squash(phrase)
    if not key:
        return None
    hits = [cat for cat in categories if squash(cat.title) == key]
    return hits[0] if len(hits) == 1 else None


def category_inside_word(text: str, categories: Sequence[CategoryRef]) -> bool:
    """An English category title inside a longer word ("Home" in "Homework"): a doubtful mention."""
    lowered = text.lower()
    mentioned = categories_mentioned(text, categories)
    return any(
        cat.title.lower() in lowered and cat not in mentioned for cat in categories if not _HANGUL.search(cat.title)
    )


def categories_mentioned(text: str, categories: Sequence[CategoryRef]) -> list[CategoryRef]:
    """Categories whose title appears in the text (Hangul: inside words; English: whole words)."""
    words = tokens_of(text)
    joined = "".join(words)
    found = []
    for cat in categories:
        key = tokens_of(cat.title)
        if not key:
            continue
        if _HANGUL.search(cat.title) and len("".join(key)) >= 2:
            hit = "".join(key) in joined
        else:
            n = len(key)
            hit = any(
                [_stem(w) for w in words[i : i + n]] == [_stem(k) for k in key] for i in range(len(words) - n + 1)
            ) or any(strip_particle(w) == "".join(key) for w in words)
        if hit:
            found.append(cat)
    return found

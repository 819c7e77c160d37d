"""Fixes a refusal can name: the plans (or the category) the command's words name, by id."""

import re
from collections.abc import Sequence

from app.schemas import Record, SqlRequest
from app.sqlcheck.dayhint import rows_on_named_day
from app.sqlcheck.requestdata import records_by_table

# Spacing and letter case do not matter when a command names a title (컴구과제 = 컴구 과제).
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9]+")
# A title shorter than this (one Korean syllable, one letter) is found inside too many words.
_MIN_TITLE = 2
# English words shorter than this (to, a, my) name nothing.
_MIN_ENGLISH_WORD = 3
# More ids than this are no longer a hint but a listing of the table.
_MAX_IDS = 12
# '과제 카테고리' names rows; '과제 카테고리로' (to the category) and 'to the Work category' name a new value.
_CATEGORY_WORD = r"\s*(?:카테고리(?!\s*(?:으로|로))|category)"
_INTO = re.compile(r"\b(?:to|into)\s+(?:the\s+)?$", re.IGNORECASE)


def _normal(text: str) -> str:
    return _SPACE.sub("", text).lower()


def whole_matches(records: Sequence[Record], prompt: str) -> list[tuple[int, str]]:
    """The (id, title) of each record whose whole title appears in the command."""
    unspaced = _normal(prompt)
    return [(r.id, r.title) for r in records if len(_normal(r.title)) >= _MIN_TITLE and _normal(r.title) in unspaced]


def _best_partial(records: Sequence[Record], prompt: str) -> list[tuple[int, str]]:
    """The records of the one title most of whose words the command uses (standup → Team standup)."""
    unspaced, words = _normal(prompt), set(_WORD.findall(prompt))
    scored: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    for record in records:
        parts = [p for p in _WORD.findall(record.title.lower()) if len(p) >= _MIN_TITLE]
        found = sum(
            (part in words if part.isascii() else part in unspaced)
            for part in parts
            if not part.isascii() or len(part) >= _MIN_ENGLISH_WORD
        )
        if found:
            key = _normal(record.title)
            scored.setdefault(key, (found, []))[1].append((record.id, record.title))
    if not scored:
        return []
    best = max(found for found, _ in scored.values())
    leaders = [ids for found, ids in scored.values() if found == best]
    # Two different titles as good as each other (과제 in 알고리즘 과제 and 컴퓨터 구조 과제): no hint.
    return leaders[0] if len(leaders) == 1 else []


def ids_fix(*, request: SqlRequest, table: str) -> str | None:
    """The fix naming by id the rows the command's words name (or the category it names), else None."""
    records = records_by_table(request).get(table, [])
    found = whole_matches(records, request.prompt)
    # A whole title named wins over a category ('과제' in '알고리즘 과제 카테고리 바꿔' is the plan's).
    category = _category_named(request) if not found else None
    if category is not None:
        return f"the command names the category '{category.title}': write WHERE category_id = {category.id}"
    found = found or _best_partial(records, request.prompt.lower())
    if not found or len(found) > _MAX_IDS:
        return None
    titles = ", ".join(dict.fromkeys(f"'{title}'" for _, title in found))
    ids = ", ".join(str(record_id) for record_id, _ in found)
    day = rows_on_named_day(request=request, records=records, ids=[record_id for record_id, _ in found])
    if day is not None:
        picked = ", ".join(map(str, day[1]))
        return (
            f"the command's words name {titles} ({table} id {ids}), and '{day[0]}' picks id {picked}: "
            f"write WHERE id IN ({picked})"
        )
    # Several rows may share a title: the command's time words still narrow them, so say to keep those.
    return (
        f"the command's words name {titles} ({table} id {ids}): write WHERE id IN ({ids}), "
        "or the ones of those the command means, with any time condition it gives"
    )


def _category_named(request: SqlRequest) -> Record | None:
    """The category a command names as such ('과제 카테고리', 'the Work category')."""
    for category in request.categories:
        found = re.search(re.escape(category.title) + _CATEGORY_WORD, request.prompt, re.IGNORECASE)
        if found and not _INTO.search(request.prompt[: found.start()]):
            return category
    return None

"""Fixes a refusal can name: the ids of the plans whose titles the command's words name."""

import re

from app.schemas import SqlRequest
from app.sqlcheck.requestdata import records_by_table

# Spacing and letter case do not matter when a command names a title (컴구과제 = 컴구 과제).
_SPACE = re.compile(r"\s+")
# A title shorter than this (one Korean syllable, one letter) is found inside too many words.
_MIN_TITLE = 2
# More ids than this are no longer a hint but a listing of the table.
_MAX_IDS = 12


def _normal(text: str) -> str:
    return _SPACE.sub("", text).lower()


def ids_named_by_command(*, request: SqlRequest, table: str) -> list[tuple[int, str]]:
    """The (id, title) of each record of `table` whose whole title appears in the command."""
    prompt = _normal(request.prompt)
    found = []
    for record in records_by_table(request).get(table, []):
        title = _normal(record.title or "")
        if len(title) >= _MIN_TITLE and title in prompt:
            found.append((record.id, record.title))
    return found


def ids_fix(*, request: SqlRequest, table: str) -> str | None:
    """ "the command's words name '보고서' (TODO id 3): write WHERE id IN (3) ...", or None when they name none."""
    found = ids_named_by_command(request=request, table=table)
    if not found or len(found) > _MAX_IDS:
        return None
    titles = ", ".join(dict.fromkeys(f"'{title}'" for _, title in found))
    ids = ", ".join(str(record_id) for record_id, _ in found)
    # Several rows may share a title: the command's time words still narrow them, so say to keep those.
    return (
        f"the command's words name {titles} ({table} id {ids}): write WHERE id IN ({ids}), "
        "or the ones of those the command means, with any time condition it gives"
    )

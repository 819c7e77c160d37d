"""Amounts and anchors: how far to shift a plan (하루 미뤄), how long it lasts, offsets from another plan."""

import re

from app.local.time.draft import Conflict, Draft, describe, of_kind
from app.local.time.pieces import Kind, Piece

_BETWEEN_QUOTE_AND_ANCHOR = frozenset({"", "의"})
_EN_LEADING_ARTICLE = re.compile(r"^(?:the|my)\s+", re.IGNORECASE)


def resolve_amounts(pieces: list[Piece], draft: Draft) -> None:
    """A shift sets `duration`; a length (2시간 동안, for 2 hours) sets the end of the plan."""
    shifts = [found for found in of_kind(pieces, Kind.AMOUNT) if found.role == "shift"]
    lengths = [found for found in of_kind(pieces, Kind.AMOUNT) if found.role == "length"]
    if len(shifts) > 1:
        raise Conflict("two amounts: " + describe(shifts))
    if shifts:
        draft.duration, draft.duration_sign = shifts[0].amount, shifts[0].sign
    if not lengths:
        return
    length = lengths[0].amount
    if len(lengths) > 1 or length is None or draft.end_moment is not None or draft.end_clock is not None:
        raise Conflict("a length with an end: " + describe(lengths))
    if draft.occurrences:
        draft.occurrences = [(start, length.apply(start)) for start, _ in draft.occurrences]
    elif draft.moment is not None and draft.clock is not None:
        draft.end_moment = length.apply(draft.moment)
        draft.end_clock = draft.end_moment.time()
    else:
        raise Conflict("a length without a start time: " + describe(lengths))


def resolve_anchor(text: str, pieces: list[Piece], quotes: list[tuple[int, int]], draft: Draft) -> None:
    """'X'보다 1시간 뒤 / the day after "X": the offset, and the quoted title right next to it."""
    anchors = of_kind(pieces, Kind.ANCHOR)
    if not anchors:
        return
    if len(anchors) > 1:
        raise Conflict("two anchors: " + describe(anchors))
    anchor = anchors[0]
    if draft.day is not None or draft.dates or of_kind(pieces, Kind.MOMENT):
        raise Conflict("an offset from another plan with a day of its own: " + anchor.text.strip())
    draft.anchor_offset = anchor.amount
    draft.moment = draft.end_moment = draft.period = draft.condition_period = None
    # "1 hour after 'X'" points ahead to its title, 'X'보다 1시간 뒤 back.
    forward = any("a" <= letter <= "z" for letter in anchor.text.lower())
    for start, end in quotes:
        before = text[end : anchor.start].strip()
        after = text[anchor.end : start].strip()
        if (forward and start >= anchor.end and after in ("", "the", "of")) or (
            not forward and end <= anchor.start and before in _BETWEEN_QUOTE_AND_ANCHOR
        ):
            draft.anchor_title = text[start + 1 : end - 1]
            draft.anchor_span = (start, end)
    if forward and draft.anchor_title is None and not any(found.start >= anchor.end for found in pieces):
        # "2 hours after Project review": unquoted, the title is the rest of the command.
        rest = text[anchor.end :]
        title = _EN_LEADING_ARTICLE.sub("", rest.strip()).rstrip(" .!?")
        if title:
            draft.anchor_title = title
            draft.anchor_span = (anchor.end, len(text))

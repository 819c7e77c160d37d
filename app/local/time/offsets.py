"""Amounts and anchors: how far to shift a plan (하루 미뤄), how long it lasts, offsets from another plan."""

import re
from dataclasses import replace

from app.local.time.pieces import Kind, Piece
from app.local.time.result import Conflict, TimeParse, describe, of_kind

_BETWEEN_QUOTE_AND_ANCHOR = frozenset({"", "의"})
_EN_LEADING_ARTICLE = re.compile(r"^(?:the|my)\s+", re.IGNORECASE)


def resolve_amounts(pieces: list[Piece], parse: TimeParse) -> TimeParse:
    """A shift sets `duration`; a length (2시간 동안, for 2 hours) sets the end of the plan."""
    shifts = [found for found in of_kind(pieces, Kind.AMOUNT) if found.role == "shift"]
    lengths = [found for found in of_kind(pieces, Kind.AMOUNT) if found.role == "length"]
    if len(shifts) > 1:
        raise Conflict("two amounts: " + describe(shifts))
    if shifts:
        parse = replace(parse, duration=shifts[0].amount, duration_sign=shifts[0].sign)
    if not lengths:
        return parse
    length = lengths[0].amount
    if len(lengths) > 1 or length is None or parse.end_moment is not None or parse.end_clock is not None:
        raise Conflict("a length with an end: " + describe(lengths))
    if parse.occurrences:
        return replace(parse, occurrences=tuple((start, length.apply(start)) for start, _ in parse.occurrences))
    if parse.moment is not None and parse.clock is not None:
        end = length.apply(parse.moment)
        return replace(parse, end_moment=end, end_clock=end.time())
    raise Conflict("a length without a start time: " + describe(lengths))


def _anchor_title(
    text: str, anchor: Piece, pieces: list[Piece], quotes: list[tuple[int, int]]
) -> tuple[str, tuple[int, int]] | None:
    """The title of the other plan right next to the anchor, and its span (with its quotes)."""
    # "1 hour after 'X'" points ahead to its title, 'X'보다 1시간 뒤 back.
    forward = any("a" <= letter <= "z" for letter in anchor.text.lower())
    found: tuple[str, tuple[int, int]] | None = None
    for start, end in quotes:
        before = text[end : anchor.start].strip()
        after = text[anchor.end : start].strip()
        if (forward and start >= anchor.end and after in ("", "the", "of")) or (
            not forward and end <= anchor.start and before in _BETWEEN_QUOTE_AND_ANCHOR
        ):
            found = text[start + 1 : end - 1], (start, end)  # the last quote that fits wins
    if forward and found is None and not any(other.start >= anchor.end for other in pieces):
        # "2 hours after Project review": unquoted, the title is the rest of the command.
        title = _EN_LEADING_ARTICLE.sub("", text[anchor.end :].strip()).rstrip(" .!?")
        if title:
            found = title, (anchor.end, len(text))
    return found


def resolve_anchor(text: str, pieces: list[Piece], quotes: list[tuple[int, int]], parse: TimeParse) -> TimeParse:
    """'X'보다 1시간 뒤 / the day after "X": the offset, and the quoted title right next to it."""
    anchors = of_kind(pieces, Kind.ANCHOR)
    if not anchors:
        return parse
    if len(anchors) > 1:
        raise Conflict("two anchors: " + describe(anchors))
    anchor = anchors[0]
    if parse.day is not None or parse.dates or of_kind(pieces, Kind.MOMENT):
        raise Conflict("an offset from another plan with a day of its own: " + anchor.text.strip())
    title = _anchor_title(text, anchor, pieces, quotes)
    return replace(
        parse,
        anchor_offset=anchor.amount,
        moment=None,
        end_moment=None,
        period=None,
        condition_period=None,
        anchor_title=title[0] if title else parse.anchor_title,
        anchor_span=title[1] if title else parse.anchor_span,
    )

"""Roles of the pieces in a command: phrases, meridiem words, the range, the move destination."""

import re
from dataclasses import dataclass, replace

from app.local.time.pieces import Kind, Piece
from app.local.time.words import EN_MOVE_VERBS

_JOINED = re.compile(r"[\s,]*")
_DASH = re.compile(r"\s*[~∼〜\-–—]\s*")
_MOVE_VERB = re.compile(rf"\b(?:{'|'.join(EN_MOVE_VERBS)})\b", re.IGNORECASE)


def phrases(pieces: list[Piece], text: str) -> list[list[Piece]]:
    """Runs of pieces written next to each other (내일 오후 3시로, tomorrow at 3pm)."""
    runs: list[list[Piece]] = []
    for found in pieces:
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and not (previous.marker and not previous.marker_before)  # 금요일까지 | 3시로
            and not (found.marker and found.marker_before)  # | to Friday
            and _JOINED.fullmatch(text, previous.end, max(found.start, previous.end))
        ):
            runs[-1].append(found)
        else:
            runs.append([found])
    return runs


def attach_parts(pieces: list[Piece], text: str) -> tuple[list[Piece], list[str]]:
    """The pieces with each part-of-day word (tonight) given to its phrase's clock, and the misfits."""
    # The misfits (a part word with no clock, a clock it contradicts) go to `unknown`.
    read = list(pieces)  # new clock pieces replace the old at the same index; the input is kept
    index = {id(found): position for position, found in enumerate(pieces)}
    notes: list[str] = []
    for run in phrases(pieces, text):
        for part in (found for found in run if found.kind is Kind.PART):
            clocks = [index[id(found)] for found in run if found.kind is Kind.CLOCK and read[index[id(found)]].clock]
            if not clocks:
                notes.append(part.text)
            for position in clocks:
                found = read[position]
                assert found.clock is not None
                clock = found.clock.with_meridiem(part.meridiem)
                if clock is None:
                    notes.append(f"{found.text} {part.text}")
                read[position] = replace(found, clock=clock)
    return [found for found in read if found.kind is not Kind.PART], notes


@dataclass(slots=True)
class Roles:
    """Indexes into the pieces: a range's start and end, and the destination phrase of a move."""

    range_start: int | None = None
    range_end: int | None = None
    destination: list[int] | None = None


def _find_range(pieces: list[Piece], text: str) -> tuple[int, int] | None:
    for index, found in enumerate(pieces):
        later = pieces[index + 1 :]
        if found.marker == "start" or (found.marker == "from" and any(p.marker == "end" for p in later)):
            for offset, other in enumerate(later, index + 1):
                if other.marker in ("end", "to", "and"):
                    return index, offset
            after = pieces[index + 1] if later else None
            if found.kind is Kind.CLOCK and after is not None and after.kind is Kind.CLOCK:
                return index, index + 1  # 3시부터 5시 회의
            return None
        if later and found.kind is later[0].kind and found.kind in (Kind.CLOCK, Kind.DAY):
            gap = _JOINED.fullmatch(text, found.end, max(later[0].start, found.end))
            if _DASH.fullmatch(text, found.end, max(later[0].start, found.end)) or (
                gap and later[0].marker in ("to", "end") and later[0].marker_before
            ):
                return index, index + 1  # 3시~5시, Dec 28 to Jan 2
    return None


def find_roles(pieces: list[Piece], text: str) -> tuple[list[Piece], Roles]:
    """The range (부터…까지, from…to, A–B) and the destination (…로 옮겨, to Thursday), with the pieces."""
    # The pieces come back because a move re-reads two markers ("from Monday to Thursday": the
    # end is the destination, the start no longer a range start); the roles index into them.
    roles = Roles()
    found_range = _find_range(pieces, text)
    if found_range is not None:
        start, end = found_range
        moving = pieces[end].marker == "to" or pieces[start].preposition == "from"
        if moving and _MOVE_VERB.search(text):  # "move it from Monday to Thursday": not a range
            pieces = list(pieces)
            pieces[start], pieces[end] = replace(pieces[start], marker=""), replace(pieces[end], marker="to")
        else:
            roles.range_start, roles.range_end = start, end
    destination_marks = [
        index
        for index, found in enumerate(pieces)
        if found.marker in ("dest", "to") and index not in (roles.range_start, roles.range_end)
    ]
    if destination_marks:
        runs = phrases(pieces, text)
        chosen = {id(run[0]) for run in runs for found in run if pieces.index(found) in destination_marks}
        roles.destination = [pieces.index(found) for run in runs if id(run[0]) in chosen for found in run]
    return pieces, roles


def destination_count(pieces: list[Piece], text: str, roles: Roles) -> int:
    """How many separate phrases are marked as a destination (more than one is ambiguous)."""
    if roles.destination is None:
        return 0
    marked = set(roles.destination)
    return sum(1 for run in phrases(pieces, text) if any(pieces.index(found) in marked for found in run))

"""parse_time, the entry of the time passes (scan → resolve), and remove_spans for the title."""

# parse_time(text, now) finds every time expression in a command and resolves it by the spec's
# "Time" rules (shared/spec/conversion-rules.md). What it finds but cannot resolve with confidence
# lands in `unknown`, and the caller declines: a wrong date is worse than no answer. The rules are
# in korean.py / english.py / named.py (a regex and a handler each) and words.py (word tables);
# scan.py picks the matches and resolve.py combines them.

from datetime import datetime

from app.local.time.resolve import resolve
from app.local.time.result import TimeParse
from app.local.time.scan import scan

_NOTHING = TimeParse()


def parse_time(text: str, now: datetime) -> TimeParse:
    """Find and resolve every time expression in `text` relative to the client's `now`."""
    scanned = scan(text, now)
    if not scanned.pieces:
        return _NOTHING  # most commands name no time at all
    return resolve(text, now, scanned)


def remove_spans(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """`text` without the given spans, whitespace collapsed: what is left for the title."""
    kept, position = [], 0
    for start, end in sorted(spans):
        kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    return " ".join(" ".join(kept).split())

"""Time expressions of the local engine: `parse_time` scans, assigns roles and resolves them."""

# parse.py is the entry. The passes, in order: scan.py (the rule tables of english.py,
# korean.py and named.py, their clock and amount handlers in clock.py and amounts.py → the
# pieces of pieces.py) → roles.py (phrases, range, destination) → resolve.py (with moments.py,
# offsets.py, days.py). Every resolve pass takes and returns a TimeParse (result.py), the one
# parse type. The rest of the engine imports only this package.

from app.local.time.days import Duration
from app.local.time.parse import parse_time, remove_spans
from app.local.time.result import TimeParse

__all__ = ["Duration", "TimeParse", "parse_time", "remove_spans"]

"""Time expressions of the local engine: `parse_time` scans, assigns roles and resolves them."""

# The passes, in order: scan.py (rules of english.py, korean.py, named.py → pieces.py) →
# roles.py (phrases, range, destination) → resolve.py (with moments.py, offsets.py, days.py) →
# parse.py (the one public TimeParse). The rest of the engine imports only this package.

from app.local.time.days import Duration
from app.local.time.parse import TimeParse, parse_time, remove_spans

__all__ = ["Duration", "TimeParse", "parse_time", "remove_spans"]

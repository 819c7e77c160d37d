"""English time rules (days, dates, weeks, months) and the table of every English rule."""

import re
from dataclasses import replace
from datetime import date, timedelta

from app.local.time.amounts import EN_AMOUNT, en_amount, en_anchor, en_relative
from app.local.time.clock import en_clock_ampm, en_clock_hour, en_clock_range, en_noon, en_part
from app.local.time.days import (
    month_range,
    valid_date,
    week_range,
    weekday_in_week,
    weekday_on_or_after,
    weekend_range,
)
from app.local.time.pieces import Context, Handler, Kind, Piece, piece, unknown, vague
from app.local.time.words import (
    EN_DAY_PARTS,
    EN_MONTHS,
    EN_NUMBERS,
    EN_RELATIVE_DAYS,
    EN_VAGUE_PHRASES,
    EN_WEEKDAY_ABBREVIATIONS,
    EN_WEEKDAYS,
    KO_PARTICLES,
    KO_WEEKDAYS,
    alternation,
)

WEEKDAY_NAMES = {**EN_WEEKDAYS, **EN_WEEKDAY_ABBREVIATIONS}
WD_FULL = alternation(EN_WEEKDAYS)
WD_ANY = alternation(WEEKDAY_NAMES)
MONTH = alternation(EN_MONTHS)
NOT_A_DOMAIN = r"(?![.\-]\w)"  # Monday.com, Sat-Nav are names, not days
PART = r"(?:\s+(?P<part>tonight|in\s+the\s+(?:morning|afternoon|evening)|at\s+night))?"
_WEEK_OFFSETS = {"this": 0, "next": 1, "last": -1, "coming": 1}
_WORD = re.compile(r"[a-z]+")
_TIME_AHEAD = re.compile(rf"\s*(?:\d|at\b|noon\b|midnight\b|,\s*(?:{MONTH})\b)")
# A slash date is read only where the words around it make it one: 12/25까지, on 12/25, 12/25 3pm.
_SLASH_DATE_BEFORE = re.compile(r"(?:\b(?:on|by|due|until|till|from|to)\s+|[~\-–]\s*)$")
_SLASH_DATE_AFTER = re.compile(r"\s*(?:$|[~\-–]|\d|at\b|noon\b|오전|오후|아침|저녁|밤|새벽|낮|정오|자정)")


def _relative_day(m: re.Match[str], ctx: Context) -> list[Piece]:
    word = " ".join(m["w"].lower().split())
    day = piece(Kind.DAY, m, day=ctx.today + timedelta(days=EN_RELATIVE_DAYS[word]))
    day_part = m["part"] or ("tonight" if word == "tonight" else "")
    if day_part:  # the meridiem waits for a clock in the same phrase; alone it declines
        day[0] = replace(day[0], end=m.start() + len(m["w"]) if m["part"] else m.end())
        day.append(Piece(Kind.PART, day[0].end, m.end(), day_part, meridiem=EN_DAY_PARTS[day_part.lower()]))
    return day


def _week_weekday(m: re.Match[str], ctx: Context) -> list[Piece]:
    weekday = WEEKDAY_NAMES[m["wd"].lower()]
    return piece(Kind.DAY, m, day=weekday_in_week(ctx.today, weekday, _WEEK_OFFSETS[m["wk"].lower()]))


def _weekday(m: re.Match[str], ctx: Context) -> list[Piece]:
    """Saturday, on Sat, this/next/coming Tuesday, Tuesday next week; every Tuesday; Tuesdays."""
    name, qualifier = m["wd"].lower(), (m["q"] or "").lower().split()
    weekday = WEEKDAY_NAMES[name]
    before = m.string[max(0, m.start() - 4) : m.start()].lower()
    if (
        name not in EN_WEEKDAYS
        and not qualifier
        and not before.endswith("on ")
        and not _TIME_AHEAD.match(m.string, m.end())
    ):
        return []  # a short form alone is an ordinary word (sat, sun, wed); "Fri 3pm" is a day
    if m["pl"] or qualifier[:1] in (["every"], ["each"]):
        return [] if m["wk"] else piece(Kind.RECUR, m, weekdays=(weekday,))
    if m["wk"]:
        day = weekday_in_week(ctx.today, weekday, _WEEK_OFFSETS[m["wk"].lower()])
        return [] if qualifier else piece(Kind.DAY, m, day=day)
    if qualifier == ["next"]:
        return piece(Kind.DAY, m, day=weekday_in_week(ctx.today, weekday, 1))
    if qualifier == ["this"]:
        day = weekday_in_week(ctx.today, weekday, 0)
        return unknown(m) if day < ctx.today else piece(Kind.DAY, m, day=day)
    if qualifier == ["last"]:  # last week's or the latest one? People differ.
        return unknown(m)
    day = weekday_on_or_after(ctx.today, weekday)
    if qualifier and day == ctx.today:  # "this coming Monday" said on a Monday
        return unknown(m)
    return piece(Kind.DAY, m, day=day, role="" if qualifier else "weekday")


def _weekly(m: re.Match[str], ctx: Context) -> list[Piece]:
    if m["daily"]:
        return piece(Kind.RECUR, m, daily=True)
    names = _WORD.findall((m["list"] or m["plural"]).lower())
    weekdays = {WEEKDAY_NAMES[name.rstrip("s") if name.rstrip("s") in WEEKDAY_NAMES else name] for name in names
                if name not in ("and", "on")}  # fmt: skip
    return piece(Kind.RECUR, m, weekdays=tuple(sorted(weekdays)))


def _period(m: re.Match[str], ctx: Context) -> list[Piece]:
    offset = _WEEK_OFFSETS[(m["q"] or "this").lower()]
    unit = (m["u"] or m["u2"]).lower()
    if unit == "week":
        return piece(Kind.PERIOD, m, period=week_range(ctx.today, offset))
    if unit == "weekend":
        span = weekend_range(ctx.today, offset)
        return piece(Kind.PERIOD, m, period=span, plan_days=span, deadline=True)
    if unit == "year":
        year = ctx.today.year + offset
        return piece(Kind.PERIOD, m, period=(date(year, 1, 1), date(year, 12, 31)))
    first = date(ctx.today.year, ctx.today.month, 1)
    index = first.year * 12 + first.month - 1 + offset
    return piece(Kind.PERIOD, m, period=month_range(index // 12, index % 12 + 1))


def _date(m: re.Match[str], ctx: Context) -> list[Piece]:
    year = int(m["y"]) if m["y"] else ctx.today.year
    month = int(m["mo"]) if m["mo"].isdigit() else EN_MONTHS[m["mo"].lower().rstrip(".")]
    day = valid_date(year, month, int(m["d"]))
    return unknown(m) if day is None else piece(Kind.DAY, m, day=day, role="" if m["y"] else "month-day")


def _slash_date(m: re.Match[str], ctx: Context) -> list[Piece]:
    """12/25 (M/D, the current year) with a particle, a preposition or a time next to it; else declined."""
    day = valid_date(ctx.today.year, int(m["mo"]), int(m["d"]))
    framed = (
        m["particle"]
        or m["wd"]
        or _SLASH_DATE_BEFORE.search(m.string, max(0, m.start() - 8), m.start())
        or _SLASH_DATE_AFTER.match(m.string, m.end())
    )
    if day is None or not framed or (m["wd"] and KO_WEEKDAYS[m["wd"]] != day.weekday()):
        return unknown(m)  # 3/4 may be a fraction; 12/25 파티 may be a title
    return piece(Kind.DAY, m, day=day, role="month-day")


def _month_period(m: re.Match[str], ctx: Context) -> list[Piece]:
    if (m["q"] or "").lower() in ("next", "last"):
        return unknown(m)  # next March: this year's or next year's?
    year = int(m["y"]) if m["y"] else ctx.today.year
    return piece(Kind.PERIOD, m, period=month_range(year, EN_MONTHS[m["mo"].lower()]))


_ORD = r"(?:st|nd|rd|th)?"
_RELATIVE_DAYS = alternation(EN_RELATIVE_DAYS).replace(" ", r"\s+")
# Triggers: "=mar" is the whole word mar, "marc" any word starting so (march); "." one character.
_MONTH_TRIGGERS = (
    "=jan", "janu", "=feb", "febr", "=mar", "marc", "=apr", "apri", "=may", "=jun", "june", "=jul", "july",
    "=aug", "augu", "=sep", "sept", "=oct", "octo", "=nov", "nove", "=dec", "dece",
)  # fmt: skip
_WEEKDAY_TRIGGERS = (
    "=mon", "mond", "=tue", "tues", "=wed", "wedn", "=thu", "thur", "=fri", "frid", "=sat", "satu", "=sun", "sund",
)  # fmt: skip
_AMPM_TRIGGERS = ("=am", "=pm", ".")  # 3pm, 3 PM; 3 p.m. has a dot
_UNIT_TRIGGERS = ("min", "hou", "=hr", "=hrs", "day", "week", "mont")
# The first words of the vague phrases; "." "-" for 1.5 hours and Nov 18-20.
_VAGUE_TRIGGERS = (
    "half", "quar", "=bit", "whil", "=few", "coup", "soon", "some", "asap", "=eod", "=eow", "=end", "begi",
    "star", "earl", "late", "mid", "othe", "biwe", "fort", "week", "mont", "=ish", "noon", "last", "next",
    "righ", "=all", "ever", "firs", "seco", "thir", "four", "fift", ".", "-", "–", "~",
)  # fmt: skip

_AMPM = r"(?P<ap>[ap])\.?\s?m\b\.?"
_AT_NOT_A_TIME = r"(?![:.]\d|\s*(?:[ap]\.?\s?m\b|%|st\b|nd\b|rd\b|th\b|percent|people|pages?|times?|places?|of\b))"
_YEAR = r"(?:,?\s+(?P<y>\d{4})\b)?"
_WEEKDAY_LIST = rf"(?:{WD_ANY}){NOT_A_DOMAIN}(?:\s*(?:,|&|/|and)\s*(?:and\s+)?(?:{WD_ANY})\b)+"
_PLURAL_LIST = rf"(?:{WD_FULL})s(?:\s*(?:,|&|and)\s*(?:and\s+)?(?:{WD_FULL})s)+"
_VAGUE = (
    rf"\b(?:{'|'.join(EN_VAGUE_PHRASES)})\b"
    rf"|\b(?:{MONTH})\.?\s+\d{{1,2}}{_ORD}\s*[-–~]\s*\d"  # Nov 18-20: a range of dates
    r"|\d+\.\d+\s*(?:hours?|days?|weeks?)\b"  # 1.5 hours
)
_ANCHOR = (
    rf"(?<![\d.])\b(?:(?P<amt>{EN_AMOUNT})\s+(?P<dir>after|before|later\s+than|earlier\s+than)"
    r"|(?:the\s+)?day\s+(?P<dir2>after|before)(?!\s+(?:tomorrow|yesterday))|the\s+(?:next|following)\s+day)\b"
)
# from 2 to 4, from 2pm until 4, between 9 and 11:30: either end may lack am/pm.
_FROM_RANGE = (
    r"\b(?:from|between)\s+(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*(?:(?P<ap1>[ap])\.?\s?m\b\.?)?\s*"
    r"(?:-|–|to|till|until|and)\s*(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?(?:\s*(?P<ap2>[ap])\.?\s?m\b\.?)?(?![\d:])"
)
_CLOCK_RANGE = (
    r"(?<![\d:])(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*(?:(?P<ap1>[ap])\.?\s?m\b\.?)?\s*(?:-|–|—|to|till|until)\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?\s*(?P<ap2>[ap])\.?\s?m\b\.?"
)

# (name, regex, handler, triggers): tried only when a word of the text starts with a trigger (or
# the text has a one-character non-letter trigger); regexes are lower case, run on lower-cased text.
EN_RULES: list[tuple[str, str, Handler, tuple[str, ...]]] = [
    ("en_vague", _VAGUE, vague, _VAGUE_TRIGGERS),
    (
        "en_relative_day",
        rf"\b(?P<w>{_RELATIVE_DAYS})\b(?:\s+(?P<part>morning|afternoon|evening|night))?\b",
        _relative_day,
        ("toda", "toni", "tomo", "=tmr", "=tmrw", "yest", "=day"),
    ),
    (
        "en_week_weekday",
        rf"\b(?P<wk>this|next|last)\s+week(?:'s)?\s+(?:on\s+)?(?P<wd>{WD_FULL}){NOT_A_DOMAIN}\b",
        _week_weekday,
        ("week",),
    ),
    (
        "en_weekly",
        rf"\b(?:(?:every|each)\s+(?P<list>{_WEEKDAY_LIST})|(?:on\s+)?(?P<plural>{_PLURAL_LIST})"
        r"|(?P<daily>every\s*day|each\s+day|daily))\b",
        _weekly,
        ("ever", "each", "dail", *_WEEKDAY_TRIGGERS),
    ),
    (
        "en_weekday",
        rf"\b(?:(?P<q>this\s+coming|this|next|last|coming|every|each)\s+)?(?P<wd>{WD_ANY}){NOT_A_DOMAIN}"
        r"(?P<pl>s)?\b\.?(?:\s+(?P<wk>this|next|last)\s+week\b)?",
        _weekday,
        _WEEKDAY_TRIGGERS,
    ),
    (
        "en_period",
        r"\b(?:(?P<q>this|next|last|coming)\s+(?P<u>week|month|year|weekend)|the\s+(?P<u2>weekend))\b",
        _period,
        ("week", "mont", "year"),
    ),
    ("en_month_day", rf"\b(?P<mo>{MONTH})\.?\s+(?P<d>\d{{1,2}}){_ORD}\b{_YEAR}", _date, _MONTH_TRIGGERS),
    ("en_day_month", rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mo>{MONTH})\b\.?{_YEAR}", _date, _MONTH_TRIGGERS),
    (
        "iso_date",
        r"(?<![\d.\-/])(?P<y>\d{4})(?P<sep>[-./])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d])\.?"
        rf"(?P<particle>{alternation(KO_PARTICLES)})?",  # 2023-11-30까지
        _date,
        ("-", "/", "."),
    ),
    (
        "slash_date",
        r"(?<![\d/.\-])(?P<mo>\d{1,2})/(?P<d>\d{1,2})(?![\d/])(?:\s*\(\s*(?P<wd>[월화수목금토일])(?:요일)?\s*\))?"
        rf"(?P<particle>{alternation(KO_PARTICLES)})?",
        _slash_date,
        ("/",),
    ),
    ("en_ordinal_day", r"\b(?:on\s+)?the\s+\d{1,2}(?:st|nd|rd|th)\b(?!\s+of\b)", vague, ("=the",)),
    (
        "en_month_period",
        r"\b(?:(?:in|during|for|of|throughout)\s+(?:the\s+month\s+of\s+)?|(?P<q>this|next|last)\s+)"
        rf"(?P<mo>{MONTH})\b(?!\.?\s*\d)(?:\s+(?P<y>\d{{4}})\b)?",
        _month_period,
        _MONTH_TRIGGERS,
    ),
    ("en_clock_range", _CLOCK_RANGE, en_clock_range, _AMPM_TRIGGERS),
    ("en_from_range", _FROM_RANGE, en_clock_range, ("from", "betw")),
    (
        "en_clock_ampm",
        rf"(?<![\d:])(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?\s*{_AMPM}{PART}",
        en_clock_ampm,
        _AMPM_TRIGGERS,
    ),
    (
        "en_clock_at",
        rf"\b(?:at|@)\s*(?P<h>\d{{1,2}})(?:\s*o['’]?clock)?\b{_AT_NOT_A_TIME}{PART}",
        en_clock_hour,
        ("=at", "@"),
    ),
    (
        "en_clock_oclock",
        rf"\b(?P<h>\d{{1,2}}|{alternation(EN_NUMBERS)})\s*o['’]?clock\b{PART}",
        en_clock_hour,
        ("cloc",),
    ),
    ("en_noon", r"\b(?:12\s*)?(?P<w>noon|midday|midnight)\b", en_noon, ("noon", "midd", "midn")),
    (
        "en_relative",
        rf"\bin\s+(?P<amt>{EN_AMOUNT})\b|(?<![\d.])\b(?P<amt2>{EN_AMOUNT})\s+(?:from\s+now|(?P<ago>ago))\b",
        en_relative,
        _UNIT_TRIGGERS,
    ),
    ("en_anchor", _ANCHOR, en_anchor, _UNIT_TRIGGERS),
    ("en_amount", rf"(?<![\d.])\b(?P<amt>{EN_AMOUNT})\b", en_amount, _UNIT_TRIGGERS),
    (
        "en_part",
        r"\b(?:this\s+(?:morning|afternoon|evening)|in\s+the\s+(?:morning|afternoon|evening)|at\s+night)\b",
        en_part,
        ("morn", "afte", "even", "nigh"),
    ),
]

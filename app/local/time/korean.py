"""Korean time rules: each a regex and a handler turning its match into pieces."""

import re
from datetime import date, timedelta

from app.local.time.amounts import (
    KO_AMOUNT,
    KO_NATIVE,
    KO_SINO_TENS,
    ko_anchor_day,
    ko_bare_amount,
    ko_relative_amount,
    sino_number,
)
from app.local.time.clock import ko_clock, ko_clock_range
from app.local.time.days import (
    month_range,
    month_range_from,
    valid_date,
    week_range,
    weekday_in_week,
    weekday_on_or_after,
    weekend_range,
)
from app.local.time.pieces import Context, Handler, Kind, Piece, piece, unknown, vague
from app.local.time.words import (
    KO_MERIDIEM_HOURS,
    KO_PARTICLES,
    KO_PERIOD_VAGUE_SUFFIXES,
    KO_RELATIVE_DAYS,
    KO_VAGUE_SUFFIXES,
    KO_VAGUE_WORDS,
    KO_WEEKDAYS,
    alternation,
)

MERIDIEM = alternation(KO_MERIDIEM_HOURS)
_DAY_ENDINGS = r"(?<=오늘|내일|모레|글피|어제|그제|저께|요일)"
# Left edge: not inside a Hangul word, except right after a day word written without a space.
LB = rf"(?:(?<![가-힣])|{_DAY_ENDINGS})"
LB_NUMBER = rf"(?:(?<![가-힣\d.:/])|{_DAY_ENDINGS})"
# Right edge: the word ends here (a meridiem may follow with no space: 내일오후).
RB = rf"(?=$|[^가-힣]|{MERIDIEM}|정오|자정)"
VAGUE = rf"(?P<vague>\s*(?:{alternation(KO_VAGUE_SUFFIXES)}))?"
PERIOD_VAGUE = rf"(?P<vague>\s*(?:{alternation(KO_VAGUE_SUFFIXES + KO_PERIOD_VAGUE_SUFFIXES)}))?"
# Trailing particle, and 거/것 ("수요일 거" = the Wednesday one), both part of the expression.
TAIL = (
    # 이번주 중에, 3시부터 5시 사이에: words that only frame the time
    rf"(?:\s*(?:중|사이)(?=(?:에는|에|으로|까지)?(?:[^가-힣]|$)))?(?P<particle>{alternation(KO_PARTICLES)})?"
    rf"(?:\s*(?:거|꺼|것)(?:은|는|을|를|도|만|이|가)?)?{RB}"
)
WEEKDAY = r"(?P<wd>[월화수목금토일])(?:요일|욜)"
WEEK = r"(?P<week>이번\s*주|다다음\s*주|다음\s*주|담주|차주|지난\s*주|저번\s*주)"
YEAR = r"(?:(?P<y>\d{4}|\d{2})\s*년\s*|(?P<yw>올해|금년|내년|작년)\s*)"
_WEEKDAY_LIST = (
    r"[월화수목금토일](?:요일|욜)(?:\s*(?:,|·|/|와|과|이랑|랑|하고|및)?\s*[월화수목금토일](?:요일|욜))*"
    r"|[월화수목금토일](?:\s*[,·/]\s*[월화수목금토일])+(?:요일)?|[월화수목금토일]{2,7}(?:요일)?"
)

WEEK_OFFSETS = {"이번주": 0, "다음주": 1, "다다음주": 2, "담주": 1, "차주": 1, "지난주": -1, "저번주": -1}
MONTH_OFFSETS = {"이번달": 0, "이달": 0, "다음달": 1, "담달": 1, "지난달": -1, "저번달": -1}
YEAR_OFFSETS = {"올해": 0, "금년": 0, "내년": 1, "작년": -1}
_EXTRA_VAGUE = ("몇 시간", "몇시간", "몇 분", "몇분", "며칠", "몇 주", "몇 달", "매주")


def _squash(text: str) -> str:
    return "".join(text.split())


def _year(match: re.Match[str], ctx: Context) -> int:
    if match["y"]:
        return int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    return ctx.today.year + (YEAR_OFFSETS[match["yw"]] if match["yw"] else 0)


def _relative_day(m: re.Match[str], ctx: Context) -> list[Piece]:
    offset = KO_RELATIVE_DAYS[" ".join(m["w"].split())]
    return piece(Kind.DAY, m, day=ctx.today + timedelta(days=offset))


def _week_weekday(m: re.Match[str], ctx: Context) -> list[Piece]:
    day = weekday_in_week(ctx.today, KO_WEEKDAYS[m["wd"]], WEEK_OFFSETS[_squash(m["week"])])
    return piece(Kind.DAY, m, day=day)


def _qualified_weekday(m: re.Match[str], ctx: Context) -> list[Piece]:
    """이번 금요일 = this week's Friday if still ahead; 오는 금요일 = the coming one; others decline."""
    weekday = KO_WEEKDAYS[m["wd"]]
    if m["q"] == "이번":
        day = weekday_in_week(ctx.today, weekday, 0)
    elif m["q"] in ("오는", "돌아오는"):
        day = weekday_on_or_after(ctx.today, weekday)
    else:  # 다음 금요일 / 지난 금요일: this week's or next week's? People differ.
        return unknown(m)
    return unknown(m) if day < ctx.today or m["vague"] else piece(Kind.DAY, m, day=day)


def _weekday(m: re.Match[str], ctx: Context) -> list[Piece]:
    weekday = KO_WEEKDAYS[m["wd"]]
    if m["particle"] == "마다":
        return piece(Kind.RECUR, m, weekdays=(weekday,))
    return piece(Kind.DAY, m, day=weekday_on_or_after(ctx.today, weekday), role="weekday")


def _weekly(m: re.Match[str], ctx: Context) -> list[Piece]:
    letters = m["list"].replace("요일", "").replace("욜", "")
    weekdays = sorted({KO_WEEKDAYS[letter] for letter in letters if letter in KO_WEEKDAYS})
    return piece(Kind.RECUR, m, weekdays=tuple(weekdays))


def _daily(m: re.Match[str], ctx: Context) -> list[Piece]:
    return piece(Kind.RECUR, m, daily=True)


def _weekend(m: re.Match[str], ctx: Context) -> list[Piece]:
    offset = {"": 0, "이번": 0, "다음": 1, "담": 1, "다다음": 2, "지난": -1, "저번": -1}[_squash(m["q"] or "")]
    span = weekend_range(ctx.today, offset)
    return piece(Kind.PERIOD, m, period=span, plan_days=span, deadline=True)


def _week(m: re.Match[str], ctx: Context) -> list[Piece]:
    return piece(Kind.PERIOD, m, period=week_range(ctx.today, WEEK_OFFSETS[_squash(m["week"])]), deadline=True)


def _month_relative(m: re.Match[str], ctx: Context) -> list[Piece]:
    first, last = month_range_from(ctx.today, MONTH_OFFSETS[_squash(m["q"])])
    if not m["d"]:
        return piece(Kind.PERIOD, m, period=(first, last), deadline=True)
    day = valid_date(first.year, first.month, int(m["d"]))
    return piece(Kind.DAY, m, day=day) if day else unknown(m)


def _date(m: re.Match[str], ctx: Context) -> list[Piece]:
    day = valid_date(_year(m, ctx), int(m["m"]), int(m["d"]))
    written_weekday = m["wd"] or m["wd2"]
    if day is None or (written_weekday and KO_WEEKDAYS[written_weekday] != day.weekday()):
        return unknown(m)
    return piece(Kind.DAY, m, day=day, role="" if m["y"] or m["yw"] else "month-day")


def _month(m: re.Match[str], ctx: Context) -> list[Piece]:
    month = int(m["m"])
    if not 1 <= month <= 12:
        return unknown(m)
    return piece(Kind.PERIOD, m, period=month_range(_year(m, ctx), month))


def _year_period(m: re.Match[str], ctx: Context) -> list[Piece]:
    year = _year(m, ctx)
    return piece(Kind.PERIOD, m, period=(date(year, 1, 1), date(year, 12, 31)))


def _day_of_month(m: re.Match[str], ctx: Context) -> list[Piece]:
    """18일에, 18일 오후 3시, 18일 (토): this month's 18th while still ahead; an earlier one is left
    for a range to re-base (11월 28일부터 2일까지) and declined otherwise."""
    dom = int(m["d"])
    if not 1 <= dom <= 31:
        return unknown(m)
    day = valid_date(ctx.today.year, ctx.today.month, dom) if dom >= ctx.today.day else None
    written_weekday = m.groupdict().get("wd") or m.groupdict().get("wd2")
    if written_weekday and (day is None or KO_WEEKDAYS[written_weekday] != day.weekday()):
        return unknown(m)
    return piece(Kind.DAY, m, day=day, dom=dom)


def _last_day(m: re.Match[str], ctx: Context) -> list[Piece]:
    """말일 / 다음달 말일: the last day of the month."""
    offset = MONTH_OFFSETS[_squash(m["q"])] if m["q"] else 0
    return piece(Kind.DAY, m, day=month_range_from(ctx.today, offset)[1])


_THING = r"(?:\s*(?:거|꺼|것))?"
_MERIDIEM_WORD = rf"(?:(?P<mer>{MERIDIEM})\s*)?"
_CLOCK_MINUTES = rf"(?:\s*(?P<half>반)|\s*(?P<m>\d{{1,2}}|{KO_SINO_TENS})\s*분|\s*정각)?"
_RANGE_END = r"(?::(?P<m{n}>\d{{2}})|\s*시(?!간)(?:\s*(?P<half{n}>반)|\s*(?P<mk{n}>\d{{1,2}})\s*분)?)"
_MONTH_WORD = r"(?P<q>이번\s*달|이달|다음\s*달|담달|지난\s*달|저번\s*달)"
_DOM_PARTICLE = r"(?P<particle>에는|에|까지는|까지|부터는|부터|으로|로|에서)"
_APPROX = r"(?P<approx>\s*(?:정도|가량|쯤|남짓|이상|이하|넘게|내외))?"
_ANCHOR_DAY = r"(?P<w>그\s*다음\s*날|다음\s*날|이튿날|그\s*전\s*날|전\s*날)"
_CLOCK_AHEAD = rf"(?=\s*(?:{MERIDIEM}|\d{{1,2}}\s*시(?!간)|\d{{1,2}}:\d\d|(?:{KO_NATIVE})\s*시(?!간)|정오|자정))"
# A weekday written after a date: 18일 (토), 11월 18일 토요일.
_DOM_WEEKDAY = r"(?:\s*\(\s*(?P<wd>[월화수목금토일])(?:요일|욜)?\s*\)|\s+(?P<wd2>[월화수목금토일])(?:요일|욜))"
_DATE_WEEKDAY = f"{_DOM_WEEKDAY}?"
_PART_PARTICLE = r"\s*(?:에는|에|까지|부터|중에는|중에|중|내내)"

_VAGUE_TRIGGERS = "".join({word[0] for word in KO_VAGUE_WORDS + _EXTRA_VAGUE})

# (name, regex, handler, trigger characters): a rule is tried only when the text has one of them.
KO_RULES: list[tuple[str, str, Handler, str]] = [
    ("ko_vague", rf"{LB}(?:{alternation(KO_VAGUE_WORDS + _EXTRA_VAGUE)}){TAIL}", vague, _VAGUE_TRIGGERS),
    ("ko_week_weekday", rf"{LB}{WEEK}\s*(?:의\s*)?{WEEKDAY}{VAGUE}{TAIL}", _week_weekday, "요욜"),
    (
        "ko_qualified_weekday",
        rf"{LB}(?P<q>이번|다음|지난|저번|오는|돌아오는)\s+{WEEKDAY}{VAGUE}{TAIL}",
        _qualified_weekday,
        "요욜",
    ),
    ("ko_weekly", rf"{LB}매\s*주\s*(?P<list>{_WEEKDAY_LIST})(?:마다)?{VAGUE}{TAIL}", _weekly, "매"),
    ("ko_daily", rf"{LB}(?:매일(?:\s*매일)?|날마다){TAIL}", _daily, "매날"),
    ("ko_weekday", rf"{LB}{WEEKDAY}{VAGUE}{TAIL}", _weekday, "요욜"),
    (
        "ko_weekend",
        rf"{LB}(?P<q>이번\s*|다다음\s*|다음\s*|담|지난\s*|저번\s*)?주말{PERIOD_VAGUE}{TAIL}",
        _weekend,
        "말",
    ),
    ("ko_week", rf"{LB}{WEEK}{PERIOD_VAGUE}{TAIL}", _week, "주"),
    (
        "ko_month_relative",
        rf"{LB}{_MONTH_WORD}(?:\s*(?P<d>\d{{1,2}})\s*일)?{PERIOD_VAGUE}{TAIL}",
        _month_relative,
        "달",
    ),
    (
        "ko_date",
        rf"{LB_NUMBER}{YEAR}?(?P<m>\d{{1,2}})\s*월\s*(?P<d>\d{{1,2}})\s*일{_DATE_WEEKDAY}{VAGUE}{TAIL}",
        _date,
        "월",
    ),
    ("ko_month", rf"{LB_NUMBER}{YEAR}?(?P<m>\d{{1,2}})\s*월(?:달)?{PERIOD_VAGUE}{TAIL}", _month, "월"),
    (
        "ko_year",
        rf"{LB_NUMBER}(?:(?P<y>\d{{4}})\s*년|(?P<yw>올해|금년|내년|작년)){PERIOD_VAGUE}{TAIL}",
        _year_period,
        "년해",
    ),
    ("ko_day_of_month", rf"{LB_NUMBER}(?P<d>\d{{1,2}})\s*일{_DOM_PARTICLE}{_THING}{RB}", _day_of_month, "일"),
    ("ko_day_of_month_weekday", rf"{LB_NUMBER}(?P<d>\d{{1,2}})\s*일{_DOM_WEEKDAY}{VAGUE}{TAIL}", _day_of_month, "일"),
    ("ko_day_of_month_clock", rf"{LB_NUMBER}(?P<d>\d{{1,2}})\s*일{_CLOCK_AHEAD}", _day_of_month, "일"),
    ("ko_last_day", rf"{LB}(?:{_MONTH_WORD}\s*)?말일{VAGUE}{TAIL}", _last_day, "말"),
    ("ko_decimal_amount", r"(?<![\d.])\d+\.\d+\s*(?:시간|분|일|주|달|개월)", vague, "."),
    ("ko_relative_day", rf"{LB}(?P<w>{alternation(KO_RELATIVE_DAYS)}){VAGUE}{TAIL}", _relative_day, "늘일레피제께"),
    (
        "ko_relative_amount",
        rf"(?:(?P<boda>보다)\s*|(?<![\d가-힣.]))(?P<amt>{KO_AMOUNT})\s*(?P<dir>뒤|후|전|먼저|일찍|늦게|앞)"
        rf"(?P<particle>에는|에|으로|로|부터|까지)?{_THING}{RB}",
        ko_relative_amount,
        "뒤후전먼찍늦앞",
    ),
    (
        "ko_amount",
        rf"(?<![\d가-힣.])(?P<amt>{KO_AMOUNT}){_APPROX}(?P<length>\s*동안|간)?(?:씩|만큼|더|만|을|를|이|가|은|는|의)?{RB}",
        ko_bare_amount,
        "간분일주달월년루틀흘새레름",
    ),
    ("ko_anchor_day", rf"(?<![가-힣]){_ANCHOR_DAY}{TAIL}", ko_anchor_day, "날"),
    (
        "ko_clock_range",
        rf"{LB_NUMBER}{_MERIDIEM_WORD}(?P<h1>\d{{1,2}})(?:{_RANGE_END.format(n=1)})?\s*[~∼〜\-–]\s*"
        rf"(?:(?P<mer2>{MERIDIEM})\s*)?(?P<h2>\d{{1,2}}){_RANGE_END.format(n=2)}{VAGUE}{TAIL}",
        ko_clock_range,
        "~-–∼〜",
    ),
    (
        "ko_clock_colon",
        rf"{LB_NUMBER}{_MERIDIEM_WORD}(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?!\d){VAGUE}{TAIL}",
        ko_clock,
        ":",
    ),
    (
        "ko_clock",
        rf"{LB_NUMBER}{_MERIDIEM_WORD}(?P<h>\d{{1,2}}|{KO_NATIVE})\s*시(?!간){_CLOCK_MINUTES}{VAGUE}{TAIL}",
        ko_clock,
        "시",
    ),
    ("ko_noon", rf"{LB}(?P<w>정오|자정){VAGUE}{TAIL}", ko_clock, "정"),
    ("ko_part_alone", rf"{LB}(?:{MERIDIEM}|점심){_PART_PARTICLE}{_THING}{RB}", vague, "전후침녁밤벽낮심"),
]

__all__ = ["KO_RULES", "sino_number"]

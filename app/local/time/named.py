"""Named-day rules: holidays, 연휴, lunar dates and period ends (월말, by the end of the month)."""

import re
from datetime import timedelta

from app.local.time.korean import LB, TAIL, VAGUE
from app.local.time.pieces import Context, Handler, Kind, Piece, piece, unknown
from app.local.time.words import alternation
from app.namedays import EN_HOLIDAY_NAMES, KO_HOLIDAY_NAMES, holiday_break, holiday_date, lunar_to_solar, period_end

# Particles after a holiday word that make it a date (추석에, 추석까지); without one (and without
# 연휴/전날/다음날) the word is part of a title: 추석 선물세트 주문.
_DATE_PARTICLES = frozenset({"에", "에는", "에도", "엔", "까지", "까지는", "까지만", "부터", "부터는", "로", "으로"})
# Words after a holiday that make it approximate (추석 전에, 설 지나고): declined.
_KO_AFTER_VAGUE = re.compile(
    r"\s*(?:전|후|이전|이후|전후|쯤|무렵|즈음|지나|끝나|앞뒤|직전|직후|당일|연휴\s*(?:전|후|중|동안))"
)
_EN_BEFORE_DATE = re.compile(r"\b(?:on|by|until|till|for|over|during|through)\s+$")
_EN_BEFORE_VAGUE = re.compile(r"\b(?:before|after|around|near|since)\s+$")
_EN_DEADLINE = re.compile(r"\b(?:by|until|till)\s+$")
_YEARS = {"올해": 0, "금년": 0, "내년": 1}


def _named(m: re.Match[str], ctx: Context, key: str, year: int | None, brk: bool, rel: str) -> list[Piece]:
    """A holiday, its 연휴, or the day before/after either, as a DAY or a PERIOD piece."""
    if brk:
        span = holiday_break(key, ctx.today, year)
        if span is None:
            return unknown(m)
        if not rel:
            return piece(Kind.PERIOD, m, period=span, plan_days=(span[0],))
        day = span[0] - timedelta(days=1) if rel == "before" else span[1] + timedelta(days=1)
        return piece(Kind.DAY, m, day=day)
    found = holiday_date(key, ctx.today, year)
    if found is None:
        return unknown(m)
    shift = {"": 0, "before": -1, "after": 1}[rel]
    return piece(Kind.DAY, m, day=found + timedelta(days=shift))


def _ko_holiday(m: re.Match[str], ctx: Context) -> list[Piece]:
    rel = {"": "", "전날": "before", "다음날": "after"}["".join((m["rel"] or "").split())]
    if _KO_AFTER_VAGUE.match(m.string, m.end()) or m["vague"]:
        return unknown(m)  # 추석 무렵, 추석 전에: which day is not said
    if not (m["brk"] or rel or m["ttae"] or m["particle"] in _DATE_PARTICLES):  # 추석 때 = on 추석
        return []  # a title word
    year = ctx.today.year + _YEARS[m["yw"]] if m["yw"] else None
    key = KO_HOLIDAY_NAMES[" ".join(m["name"].split())]
    return _named(m, ctx, key, year, bool(m["brk"]), rel)


def _en_holiday(m: re.Match[str], ctx: Context) -> list[Piece]:
    before = m.string[: m.start()]
    if _EN_BEFORE_VAGUE.search(before):
        return unknown(m)
    if not (m["rel"] or _EN_BEFORE_DATE.search(before)):
        return []  # a title word: Christmas shopping list
    name = " ".join(m["name"].replace("’", "'").split())
    return _named(m, ctx, EN_HOLIDAY_NAMES[name], None, bool(m["brk"]), m["rel"] or "")


def _lunar(m: re.Match[str], ctx: Context) -> list[Piece]:
    """음력 M월 D일; a leap month (윤6월) or a day the lunar month lacks is declined."""
    if m["leap"]:
        return unknown(m)
    day = lunar_to_solar(int(m["m"]), int(m["d"]), ctx.today, int(m["y"]) if m["y"] else None)
    return piece(Kind.DAY, m, day=day) if day else unknown(m)


def _period_end_word(m: re.Match[str], ctx: Context) -> list[Piece]:
    """월말까지 / 연말까지: a deadline at the period's last day; other uses of the word decline."""
    if m["particle"] not in ("까지", "까지는", "까지만"):
        return unknown(m)
    last = period_end("year_end" if m["w"] in ("연말", "년말") else "month_end", ctx.today)
    return piece(Kind.PERIOD, m, period=(ctx.today, last), deadline=True)


def _en_end_of(m: re.Match[str], ctx: Context) -> list[Piece]:
    """by the end of the month/year/week: a deadline; at the end of … is left vague."""
    if not _EN_DEADLINE.search(m.string[: m.start()]):
        return unknown(m)
    last = period_end({"month": "month_end", "year": "year_end", "week": "this_week"}[m["p"]], ctx.today)
    return piece(Kind.PERIOD, m, period=(ctx.today, last), deadline=True)


_KO_NAMES = alternation(KO_HOLIDAY_NAMES).replace(" ", r"\s*")
_EN_NAMES = alternation(EN_HOLIDAY_NAMES).replace("'", "['’]").replace(" ", r"\s+")
_KO_PARTICLE = r"(?P<particle>에는|에도|에|엔|까지는|까지만|까지|부터는|부터|으로|로|은|는|이|가|을|를|의|도)?"

# (name, regex, handler, triggers) as in korean.py / english.py; tried before those rules.
NAMED_RULES: list[tuple[str, str, Handler, object]] = [
    (
        "ko_holiday",
        rf"{LB}(?:(?P<yw>올해|금년|내년)\s*)?(?P<name>{_KO_NAMES})(?:\s*(?P<brk>연휴))?"
        rf"(?:\s*(?P<rel>전\s*날|다음\s*날))?{VAGUE}(?P<ttae>\s*때)?{_KO_PARTICLE}(?=$|[^가-힣])",
        _ko_holiday,
        "신새설구삼어부석현광추한개크성스섣",
    ),
    (
        "ko_lunar",
        rf"{LB}(?:(?P<y>\d{{4}})\s*년\s*)?음력\s*(?P<leap>윤\s*)?(?P<m>\d{{1,2}})\s*월\s*(?P<d>\d{{1,2}})\s*일{VAGUE}{TAIL}",
        _lunar,
        "음",
    ),
    ("ko_period_end", rf"{LB}(?P<w>월말|연말|년말){VAGUE}{TAIL}", _period_end_word, "말"),
    (
        "en_holiday",
        rf"\b(?:the\s+day\s+(?P<rel>before|after)\s+)?(?:the\s+)?(?P<name>{_EN_NAMES})"
        r"(?:\s+(?P<brk>holidays|holiday\s+break|break))?\b",
        _en_holiday,
        ("chri", "chus", "luna", "seol", "new", "inde", "chil", "budd", "memo", "libe", "nati", "hang", "the"),
    ),
    (
        "en_end_of",
        r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<p>month|year|week)\b",
        _en_end_of,
        ("=end", "the"),
    ),
]

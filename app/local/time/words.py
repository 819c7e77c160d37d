"""Word tables of the time resolver: numbers, day and month names, meridiem rules, vague words."""

from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that 내일모레 wins over 내일."""
    return "|".join(sorted(words, key=len, reverse=True))


# ---- Korean -----------------------------------------------------------------------------

KO_WEEKDAYS: dict[str, int] = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}

# Days relative to today; 그끄저께 (−3) is rare enough to decline (see KO_VAGUE_WORDS).
KO_RELATIVE_DAYS: dict[str, int] = {
    "오늘": 0, "금일": 0, "내일": 1, "명일": 1, "모레": 2, "내일모레": 2, "내일 모레": 2, "낼모레": 2,
    "글피": 3, "어제": -1, "그저께": -2, "그제": -2,
}  # fmt: skip

# Native Korean numbers read as clock hours or as counts of hours/weeks/months.
KO_NATIVE_NUMBERS: dict[str, int] = {
    "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
    "열": 10, "열한": 11, "열두": 12,
}  # fmt: skip

# Native day counts (하루 미뤄, 이틀 뒤).
KO_NATIVE_DAYS: dict[str, int] = {
    "하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "열흘": 10, "보름": 15,
}  # fmt: skip

# Sino-Korean tens for minutes (삼십 분 후); single digits are too ambiguous (이분, 구분).
KO_SINO_DIGITS: dict[str, int] = {
    "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9,
}  # fmt: skip

# Meridiem word → {hour as written: 24-hour hour}. Hours missing from a word's table are
# declined: 밤 1시 (spec literally says 13:00, people mean 01:00) and 밤 12시 (which day?).
KO_MERIDIEM_HOURS: dict[str, dict[int, int]] = {
    "오전": {**{h: h for h in range(1, 12)}, 12: 0},
    "오후": {**{h: h + 12 for h in range(1, 12)}, 12: 12},
    "아침": {h: h for h in range(5, 12)},
    "새벽": {**{h: h for h in range(1, 8)}, 12: 0},
    "낮": {**{h: h + 12 for h in range(1, 6)}, 12: 12},
    "저녁": {h: h + 12 for h in range(5, 12)},
    "밤": {h: h + 12 for h in range(7, 12)},
}

# Particles that may trail a time expression and belong to it (removed with it from the title).
KO_PARTICLES: tuple[str, ...] = (
    "에서는", "에서", "에선", "에는", "에도", "에만", "에", "까지는", "까지도", "까지만", "까지",
    "부터는", "부터", "으로는", "으로", "로는", "로", "엔", "은", "는", "이", "가", "을", "를",
    "의", "도", "마다", "씩", "만", "중에는", "중에", "중", "동안",
)  # fmt: skip

# Particle → role in the command: start/end of a range, a destination (옮겨), or nothing.
KO_PARTICLE_MARKERS: dict[str, str] = {
    "부터": "start", "부터는": "start", "에서": "from", "에서는": "from", "에선": "from",
    "까지": "end", "까지는": "end", "까지도": "end", "까지만": "end",
    "로": "dest", "으로": "dest", "로는": "dest", "으로는": "dest",
}  # fmt: skip

# Words right after a time that make it approximate or relative to itself: declined.
KO_VAGUE_SUFFIXES: tuple[str, ...] = (
    "쯤", "경", "즈음", "무렵", "께", "이후", "이전", "전후", "부근", "넘어서", "넘어", "지나서",
    "안에", "내로", "이내", "내에", "전", "후",
)  # fmt: skip

# Extra suffixes after a week/month/year: parts of a period the spec does not define.
KO_PERIOD_VAGUE_SUFFIXES: tuple[str, ...] = ("말", "초", "중순", "초순", "하순", "초반", "중반", "후반")

# Stand-alone words that name a time the spec does not define.
KO_VAGUE_WORDS: tuple[str, ...] = (
    "다다음달", "다다음 달", "다음다음주", "그끄저께", "그끄제", "월초",
    "주초", "주중", "평일", "격주", "매달", "매월", "매년", "격일", "나중에", "조만간", "언젠가", "이따가",
    "이따", "곧", "아까", "방금", "요즘", "한밤중", "점심때", "저녁때", "하루종일", "하루 종일", "온종일",
    "종일", "끝나고", "끝난 후", "끝난 뒤", "끝나면", "새벽녘", "해질녘", "첫째 주", "둘째 주", "셋째 주",
    "넷째 주", "다섯째 주", "마지막 주", "첫째주", "둘째주", "셋째주", "넷째주", "마지막주", "첫 주", "첫주",
)  # fmt: skip

# Verbs and words around a bare amount that make it a shift (하루 미뤄) — sign: +1 later, −1 earlier.
KO_SHIFT_WORDS: dict[str, int] = {
    "뒤로": 1, "후로": 1, "늦춰": 1, "늦추": 1, "늦게": 1, "미뤄": 1, "미루": 1, "밀어": 1,
    "연기": 1, "앞으로": -1, "앞당": -1, "당겨": -1, "당기": -1, "일찍": -1, "빨리": -1, "옮겨": 0,
    "옮기": 0, "변경": 0, "조정": 0,
}  # fmt: skip

# ---- English ------------------------------------------------------------------------------

EN_WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

# Short forms, accepted only after a qualifier or "on", or before a time (Sun, Sat, Wed are words too).
EN_WEEKDAY_ABBREVIATIONS: dict[str, int] = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5,
    "sun": 6,
}  # fmt: skip

EN_MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

EN_RELATIVE_DAYS: dict[str, int] = {
    "today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "yesterday": -1,
    "the day after tomorrow": 2, "day after tomorrow": 2, "the day before yesterday": -2,
    "day before yesterday": -2,
}  # fmt: skip

EN_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

# Part-of-day words → meridiem of a bare hour next to them ("at 8 in the evening").
EN_DAY_PARTS: dict[str, str] = {"morning": "am", "afternoon": "pm", "evening": "pm", "night": "pm", "tonight": "pm"}

# Preposition before a time → its role (see KO_PARTICLE_MARKERS); "vague" declines the time.
EN_PREPOSITIONS: dict[str, str] = {
    "at": "", "on": "", "for": "", "due": "", "due on": "", "due by": "", "by": "end",
    "from": "start", "between": "start", "to": "to", "and": "and", "until": "end", "till": "end",
    "til": "end", "through": "end", "thru": "end", "before": "vague", "after": "vague",
    "around": "vague", "about": "vague", "approximately": "vague", "roughly": "vague", "circa": "vague",
    "since": "vague", "starting": "vague",
}  # fmt: skip

# Words that make "from A to B" a move of A to B rather than a range.
EN_MOVE_VERBS: tuple[str, ...] = (
    "move", "moving", "reschedule", "shift", "change", "push", "postpone", "delay", "bring", "switch",
)  # fmt: skip

# Words around a bare amount that make it a shift, with the direction they state.
EN_SHIFT_WORDS: dict[str, int] = {
    "back": 1, "later": 1, "postpone": 1, "delay": 1, "push": 0, "forward": -1, "earlier": -1,
    "ahead": -1, "up": -1, "by": 0, "move": 0, "shift": 0, "bring": 0, "reschedule": 0,
}  # fmt: skip

# Phrases naming a time the spec does not define (whole words, matched on the lower-cased text).
EN_VAGUE_PHRASES: tuple[str, ...] = (
    r"half\s+past", r"quarter\s+(?:past|to|after)", r"in\s+a\s+(?:bit|while|few|couple)",
    r"a\s+(?:few|couple(?:\s+of)?)\s+(?:minutes|hours|days|weeks|months)", r"soon", r"sometime",
    r"someday", r"asap", r"eod", r"eow", r"end\s+of\s+(?:the\s+)?(?:day|week|month|year)",
    r"(?:beginning|start)\s+of\s+(?:the\s+)?(?:week|month|year)", r"(?:early|late|mid)[-\s](?:next\s+)?"
    r"(?:morning|afternoon|evening|week|month|year)", r"later\s+(?:today|tonight|this\s+\w+)",
    r"the\s+week\s+after\s+next", r"every\s+other", r"biweekly", r"fortnight(?:ly)?", r"weekdays?",
    r"every\s+(?:week|month|year|weekday|morning|evening|night|hour)", r"weekly", r"monthly",
    r"\d{1,2}(?::\d\d)?\s*(?:[ap]m)?ish", r"noonish", r"last\s+(?:night|morning|evening)",
    r"next\s+(?:morning|evening|night)", r"right\s+(?:after|before)", r"all\s+day",
    r"(?:first|second|third|fourth|fifth|last)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|week(?:end)?)\s+of",
)  # fmt: skip

"""What a command asks for: the operation, the phrase naming its target, and its extras.

Classification works on the prompt with its time expressions masked as `§`, so a verb
pattern never has to know about time words. Korean commands end with their verb; English
ones start with it (or end with `is done`). The first matching rule wins, most specific
first. A prompt no rule matches is a candidate new plan (INSERT is the default).
"""

import re
from dataclasses import dataclass
from typing import Literal

from app.local import lexicon as lx

Action = Literal[
    "insert",
    "delete",
    "complete",
    "uncomplete",
    "update",
    "rename",
    "recategorize",
    "to_schedule",
    "to_todo",
    "select",
    "summary",
]

MARK = "§"  # stands for one time expression in the masked prompt

_I = re.IGNORECASE
_TAIL_PUNCT = re.compile(r"[\s.!?~。…^ㅎㅋㅠㅜ:;,]+$")
_SPACES = re.compile(r"\s+")
_KO_OBJ = r"(?:\s*(?:을|를|은|는|도))?"
_KO_START = r"(?:^|(?<=[\s을를은는이가도다§]))"


def _ko(verbs: str, *, before: str = "") -> re.Pattern[str]:
    return re.compile(rf"^(?P<body>.*?){_KO_OBJ}\s*{before}{_KO_START}(?P<verb>{verbs}){lx.KO_AUX}$", _I)


def _en(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


_KO_RULES: tuple[tuple[Action, re.Pattern[str]], ...] = (
    ("uncomplete", _ko(lx.KO_UNCOMPLETE)),
    ("complete", _ko(lx.KO_COMPLETE)),
    (
        "to_schedule",
        _ko(lx.KO_CHANGE, before=rf"(?:{lx.KO_CONVERT_TO_SCHEDULE})\s*(?:으로|로)\s*"),
    ),
    ("to_todo", _ko(lx.KO_CHANGE, before=rf"(?:{lx.KO_CONVERT_TO_TODO})\s*(?:으로|로)\s*")),
    (
        "rename",
        re.compile(
            r"^(?P<body>.*?)\s*(?:의\s*)?(?:이름|제목|타이틀)\s*(?:을|를|은|는)?\s+(?P<new>.+?)\s*"
            rf"(?:으로|로|이라고|라고)\s*(?:바꿔|변경|수정|고쳐){lx.KO_AUX}$"
        ),
    ),
    (
        "rename",
        re.compile(
            r"^(?P<body>.*?)\s*(?:을|를)\s+(?P<new>.+?)\s*(?:으로|로|이라고|라고)\s*(?:이름|제목)\s*(?:을|를)?\s*"
            rf"(?:바꿔|변경|수정|고쳐){lx.KO_AUX}$"
        ),
    ),
    (
        "recategorize",
        re.compile(
            r"^(?P<body>.*?)\s*(?:의\s*)?카테고리\s*(?:을|를|는)?\s+(?P<cat>.+?)\s*(?:으로|로)\s*"
            rf"(?:바꿔|변경|수정|옮겨|이동|설정){lx.KO_AUX}$"
        ),
    ),
    (
        "recategorize",
        re.compile(
            r"^(?P<body>.*?)\s*(?:을|를)?\s+(?P<cat>[^\s§]+?)\s*카테고리\s*(?:으로|로|에)\s*"
            rf"(?:옮겨|이동|바꿔|변경|넣어){lx.KO_AUX}$"
        ),
    ),
    ("delete", _ko(lx.KO_DELETE)),
    ("update", _ko(lx.KO_UPDATE)),
    ("summary", _ko(lx.KO_SUMMARY)),
    ("select", _ko(lx.KO_SELECT)),
    ("insert", _ko(lx.KO_INSERT, before=lx.KO_INSERT_PLACE)),
)

_EN_DONE = r"(?:done|complete|completed|finished|over|taken\s+care\s+of)"
_EN_NOT_DONE = (
    r"(?:not\s+done|not\s+complete|not\s+completed|incomplete|undone|unfinished|not\s+finished|to\s*do|pending)"
)
# "show my todos that aren't done" lists; it does not complete anything.
_EN_NOT_A_LIST = r"(?!(?:show|list|display|get|find|tell|give|gimme|what|which|any|do\s+i)\b)"
_EN_RULES: tuple[tuple[Action, re.Pattern[str]], ...] = (
    ("rename", _en(r"^rename\s+(?P<body>.+?)\s+(?:to|as|into)\s+(?P<new>.+)$")),
    ("rename", _en(r"^change\s+(?:the\s+)?(?:name|title)\s+of\s+(?P<body>.+?)\s+to\s+(?P<new>.+)$")),
    ("rename", _en(r"^change\s+(?P<body>.+?)['’]s\s+(?:name|title)\s+to\s+(?P<new>.+)$")),
    (
        "recategorize",
        _en(
            r"^(?:move|put|change|set|file)\s+(?P<body>.+?)\s+(?:to|into|in|under)\s+(?:the\s+)?(?P<cat>.+?)\s+category$"
        ),
    ),
    ("recategorize", _en(r"^(?:change|set)\s+(?:the\s+)?category\s+of\s+(?P<body>.+?)\s+to\s+(?P<cat>.+)$")),
    ("recategorize", _en(r"^(?:change|set)\s+(?P<body>.+?)['’]s\s+category\s+to\s+(?P<cat>.+)$")),
    (
        "to_schedule",
        _en(
            r"^(?:make|turn|convert|change|switch)\s+(?P<body>.+?)\s+(?:into\s+|to\s+)?(?:an?\s+)?(?:schedule|event|calendar\s+event)$"
        ),
    ),
    (
        "to_todo",
        _en(
            r"^(?:make|turn|convert|change|switch)\s+(?P<body>.+?)\s+(?:into\s+|to\s+)?(?:an?\s+)?(?:todo|to-do|task)$"
        ),
    ),
    ("uncomplete", _en(rf"^(?:mark|set)\s+(?P<body>.+?)\s+(?:as\s+)?{_EN_NOT_DONE}$")),
    ("uncomplete", _en(r"^(?:uncheck|unmark|reopen)\s+(?P<body>.+)$")),
    ("complete", _en(rf"^(?:mark|set)\s+(?P<body>.+?)\s+(?:as\s+)?{_EN_DONE}$")),
    ("complete", _en(r"^(?:check|tick|cross)\s+off\s+(?P<body>.+)$")),
    ("complete", _en(r"^(?:check|tick|cross)\s+(?P<body>.+?)\s+off$")),
    ("complete", _en(rf"^{_EN_NOT_A_LIST}(?P<body>.+?)\s+(?:is|are|was|were)\s+(?:all\s+|now\s+)?{_EN_DONE}$")),
    (
        "complete",
        _en(
            r"^(?:i\s+)?(?:just\s+)?(?:finished|completed|did|have\s+finished|have\s+completed|(?:am|'m)\s+done\s+with)"
            r"\s+(?P<body>.+)$"
        ),
    ),
    ("complete", _en(r"^(?:done\s+with|finished\s+with)\s+(?P<body>.+)$")),
    ("complete", _en(rf"^{_EN_NOT_A_LIST}(?P<body>.+?)\s*[-:,]?\s+{_EN_DONE}$")),
    (
        "delete",
        _en(r"^(?:delete|remove|cancel|drop|erase|clear|scrap|trash|get\s+rid\s+of|call\s+off)\s+(?P<body>.+)$"),
    ),
    ("delete", _en(r"^(?P<body>.+?)\s+(?:is|are)\s+(?:cancelled|canceled|called\s+off)$")),
    (
        "update",
        _en(r"^(?P<verb>push|move|shift|bring|pull)\s+(?P<dir>back|forward|up)\s+(?P<body>.+?)(?:\s+by)?\s+§$"),
    ),
    (
        "update",
        _en(
            r"^(?P<verb>push|move|shift|bring|pull)\s+(?P<body>.+?)\s+(?P<dir>back|forward|up|later|earlier)(?:\s+by)?\s+§$"
        ),
    ),
    (
        "update",
        _en(
            r"^(?P<verb>push|move|shift|bring|pull)\s+(?P<body>.+?)(?:\s+by)?\s+§\s+(?P<dir>back|forward|later|earlier)$"
        ),
    ),
    (
        "update",
        _en(
            r"^(?P<verb>move|reschedule|shift|push|change|postpone|delay|switch|bring|pull)\s+(?P<body>.+?)(?:\s+(?:to|by|for))?\s+§$"
        ),
    ),
    # "make Project review end at 4pm": a new end time (the time is masked as §).
    ("update", _en(r"^(?P<verb>make|have|let)\s+(?P<body>.+?)\s+end\s+§$")),
    (
        "summary",
        _en(
            r"^(?:summarize|summarise|sum\s+up|recap|brief\s+me(?:\s+on)?|give\s+me\s+a\s+(?:quick\s+|short\s+|brief\s+)?"
            r"(?:summary|briefing|rundown|recap|overview)(?:\s+of)?)\b(?P<body>.*)$"
        ),
    ),
    (
        "select",
        _en(
            r"^(?:show|list|display|get|find|tell\s+me|give\s+me|gimme|what\s+do\s+i\s+have|what\s+have\s+i\s+got|what'?ve\s+i\s+got"
            r"|what['’]s|whats|wats|what\s+is|what\s+are|what|wat|do\s+i\s+have|any|anything|which|when\s+is|when['’]s|when\s+are)\b(?P<body>.*)$"
        ),
    ),
    (
        "insert",
        _en(
            r"^(?:add|create|schedule|put|set\s+up|note|remind\s+me\s+(?:to|about|of)|remind\s+me\s*:|remind\s+me"
            r"|new\s+(?:todo|task|event|schedule|plan)\s*:?|(?:todo|to-do|task|reminder)\s*:)"
            rf"\s+(?P<body>.+?){lx.EN_INSERT_PLACE}$"
        ),
    ),
)


@dataclass(frozen=True)
class Command:
    """The operation a prompt asks for and the phrase that names what it is about."""

    action: Action
    body: str  # target phrase (existing plans) or new plan title, time masked as §
    lang: Literal["ko", "en"]
    verb: str = ""
    direction: str = ""  # English back/forward/later/earlier for shifts
    new_title: str | None = None
    category: str | None = None
    explicit: bool = True  # an insert verb was said (False: a bare phrase taken as a new plan)
    question: bool = False
    bulk: bool = False
    compound: bool = False  # the prompt chains a second command ("…삭제하고 … 추가", "… and add …")


def has_bulk(text: str) -> bool:
    """A bulk word (모두, 전부, 다, all, every …) stands in the text."""
    return any(w.lower().strip(",") in lx.BULK_KO | lx.BULK_EN for w in text.replace(MARK, " ").split())


_INTERJECTION = re.compile(
    r"^(?:음+|어+|아+|흠+|저기요?|혹시|그럼|그러면|근데|아\s*참|참|um+|uh+|hmm+|well|oh|okay|ok|so)(?:[\s,.…~!]+)", _I
)
_POLITE_REQUEST = re.compile(
    r"^(?:can|could|would|will)\s+(?:you|u|we)\b|줄래|줄\s*수\s*있|주실래|주시겠|주실\s*수|할\s*수\s*있", _I
)


def tidy(prompt: str) -> str:
    """Straight quotes, single spaces, a leading interjection ("음", "um,") dropped."""
    text = prompt.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    text = _SPACES.sub(" ", text).strip()
    while (found := _INTERJECTION.match(text)) is not None and found.end() < len(text):
        text = text[found.end() :]
    return text


def mask(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The text with each time span (adjacent ones merged) replaced by a single §."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            start = pos
        gap = text[pos:start]
        if out and out[-1] == MARK and not gap.strip(" ,"):
            pos = max(pos, end)
            continue
        out.extend([gap, MARK])
        pos = max(pos, end)
    out.append(text[pos:])
    joined = "".join(out).replace(MARK, f" {MARK} ")
    return _SPACES.sub(" ", joined).strip()


def _strip_polite(text: str, lang: str) -> str:
    if lang == "ko":
        return " ".join(w for w in text.split() if w not in lx.KO_POLITE)
    text = re.sub(lx.EN_LEAD, "", text, flags=_I)
    return re.sub(lx.EN_TAIL, "", text, flags=_I)


_COMPOUND = re.compile(
    r"(?:삭제|취소|추가|변경|완료|등록|이동|수정)\s*(?:하고|하구|한\s*(?:다음|뒤|후))|(?:지우|옮기|미루|당기|바꾸|없애|넣)고\s"
    r"|그리고|그\s*다음에?|;"
    r"|\b(?:and|then|also)\s+(?:add|delete|remove|cancel|move|push|mark|rename|create|schedule|change|postpone|show|list"
    r"|make|set|put)\b",
    _I,
)


def _first_rule(
    attempts: list[tuple[Literal["ko", "en"], str]],
) -> tuple[Literal["ko", "en"], str, Action, re.Match[str]] | None:
    """The first rule matching the text, in the first language that has one."""
    for lang, text in attempts:
        for action, pattern in _KO_RULES if lang == "ko" else _EN_RULES:
            if (found := pattern.match(text)) is not None:
                return lang, text, action, found
    return None


def classify(masked: str) -> Command:
    """The command a masked prompt gives (an implicit insert when no verb rule matches)."""
    question = "?" in masked and _POLITE_REQUEST.search(masked) is None
    hangul = re.search(r"[가-힣]", masked) is not None
    lang: Literal["ko", "en"] = "ko" if hangul else "en"
    text = _TAIL_PUNCT.sub("", _strip_polite(_TAIL_PUNCT.sub("", masked), lang))
    # An English command around a Korean title ("move Sarah랑 브런치 to saturday"): English rules when no
    # Korean verb rule matches; a Korean verb at the end still decides ("Pay rent 삭제").
    attempts: list[tuple[Literal["ko", "en"], str]] = [(lang, text)]
    if hangul and re.match(r"[A-Za-z]", masked):
        attempts.append(("en", _TAIL_PUNCT.sub("", _strip_polite(_TAIL_PUNCT.sub("", masked), "en"))))
    if (rule := _first_rule(attempts)) is not None:
        lang, text, action, found = rule
        groups = found.groupdict()
        body = (groups.get("body") or "").strip()
        return Command(
            action=action,
            body=body,
            lang=lang,
            verb=(groups.get("verb") or "").lower(),
            direction=(groups.get("dir") or "").lower(),
            new_title=groups.get("new"),
            category=groups.get("cat"),
            question=question,
            bulk=has_bulk(body),
            compound=_COMPOUND.search(text) is not None,
        )
    lang, text = attempts[0]
    return Command("insert", text, lang, explicit=False, question=question, compound=_COMPOUND.search(text) is not None)

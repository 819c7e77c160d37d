"""Commands as typed on a phone, rewritten into the engine's usual shape before parsing.

Each rewrite is a general reshaping (a memo split off, the verb put last, a casual
ending dropped, chat punctuation collapsed); none of them guesses a meaning the usual
rules would not give, so what the engine was unsure of stays unsure.
"""

import re
from dataclasses import dataclass

from app.local import lexicon as lx

_I = re.IGNORECASE

# "…, 메모: 스케일링" / "… note: locker 12": the memo of a new plan, kept as written.
_MEMO = re.compile(
    r"(?:^|[\s,.;]+)(?:(?:메모|memo|note|notes)\s*[:：]|메모는|메모로|with\s+(?:a\s+)?(?:memo|note)\s*:?)\s*(?P<memo>\S.*)$",
    _I,
)
_KO_TRAILING_VERB = re.compile(rf"(?:{lx.KO_INSERT}|{lx.KO_DELETE}|{lx.KO_UPDATE}){lx.KO_AUX}$")
_QUOTED_MEMO = re.compile(r"""^(["'])(?P<inner>[^"']+)\1$""")
# "??", "!!", "?!", "!!!": one mark is as good as several.
_DOUBLED = re.compile(r"([?!])[?!]+")
# Korean verbs that may open a command ("추가해줘 내일 3시 치과"), with a required auxiliary or
# ending: a bare "추가" at the front may be part of a title ("추가 회의").
_KO_LEAD_VERB = re.compile(
    rf"^(?P<verb>(?:{lx.KO_INSERT}|{lx.KO_DELETE}|{lx.KO_UPDATE}|보여|알려|찾아|완료|요약)"
    r"(?:\s*좀)?\s*(?:해\s*(?:줘|주세요|줄래|줘요)|해|줘|주세요|줄래|줘요))(?:[\s,:]+)(?P<rest>\S.*)$"
)
# The rest already ends with a verb: not a verb-first command (or two commands).
_KO_VERB_END = re.compile(
    rf"(?:{lx.KO_INSERT}|{lx.KO_DELETE}|{lx.KO_UPDATE}|보여|알려|완료|요약)\S*$|해\s*줘$|줘$|주세요$"
)
# "X 해놔" / "X 할게" (do X): the task X, said casually; the ending carries no operation.
_KO_CASUAL_DO = re.compile(
    r"(?<=[가-힣])\s+(?:해\s*놔|해\s*둬|해\s*놓기|할게|할께|할게요|할께요|해야지|해야\s*함|해야\s*돼|할\s*거임)$"
)
# "X 예약해놔" (book X, set X up): the noun before 해 is part of the task.
_KO_CASUAL_ATTACHED = re.compile(r"(?<=[가-힣])해\s*(?:놔|둬)(?:줘)?$")
# "X 했음 / X 했어" (did X): the completion of X, as 다 했어 is.
_KO_DID = re.compile(r"(?<=[가-힣a-zA-Z0-9])\s*(?:했음|했어|했슴|해버림|해버렸어)$")
# The word before a casual ending is itself an operation ("취소 해놔"): the ending is only dropped.
_KO_OPERATION_END = re.compile(
    rf"(?:{lx.KO_INSERT}|{lx.KO_DELETE}|{lx.KO_UPDATE}|{lx.KO_COMPLETE}|{lx.KO_SELECT}|{lx.KO_SUMMARY})$"
)
# English framing of a new task and contractions that hide an insert or a completion.
_EN_FRAMING = re.compile(
    r"^(?:(?:i\s+|i'll\s+|ill\s+)?(?:really\s+)?(?:need\s+to|have\s+to|gotta|got\s+to|must)|don'?t\s+(?:let\s+me\s+)?forget"
    r"(?:\s+to)?|(?:pls|please)\s+remind\s+me\s+to|remember\s+to)\s+(?=\S)",
    _I,
)
# 안 했음 / 못 했어 / 아직 안: the opposite of a completion.
_KO_NEGATION = re.compile(r"(?:^|\s|[가-힣])(?:안|못)$|(?:^|\s)(?:아직|안|못)\s")
# "취소했음" (cancelled it) or "변경했음" is not a completion: left as said.
_KO_CHANGE_END = re.compile(rf"(?:{lx.KO_DELETE}|{lx.KO_UPDATE}|{lx.KO_INSERT}|{lx.KO_COMPLETE})$")
# After the framing, a verb of another operation: "i need to cancel X" is not sure.
_EN_OPERATION = re.compile(
    r"^(?:add|create|schedule|put|set|cancel|delete|remove|drop|clear|move|push|shift|bring|reschedule|postpone"
    r"|change|rename|mark|show|list)\b",
    _I,
)
_EN_DONE_WITH = re.compile(r"^(?:i'm|im|i\s+am)\s+(?:all\s+)?(?:done|finished)\s+with\s+", _I)
_TAIL = re.compile(r"[\s.!?~]+$")
# Words of urgency or politeness after the verb ("잡아줘 꼭", "추가해줘 제발 좀", "add please …"):
# they say how much, never what, so they are no part of a title. Not 당장 (now) or 진짜 (really?).
_KO_FILLER = r"(?:꼭|좀|제발|빨리|얼른|어서|부탁해|부탁합니다|부탁드려|부탁드립니다|please|pls|plz)(?:요|용)?"
_KO_FILLER_TAIL = re.compile(rf"(?:[\s,]+{_KO_FILLER}[\s.!?~]*)+$", _I)
_KO_VERB_BEFORE = re.compile(
    rf"(?:{lx.KO_INSERT}|{lx.KO_DELETE}|{lx.KO_UPDATE}|{lx.KO_COMPLETE}|{lx.KO_SELECT}|{lx.KO_SUMMARY}){lx.KO_AUX}$"
)
_EN_VERB_FILLER = re.compile(
    r"^(?P<verb>add|create|schedule|put|set|cancel|delete|remove|drop|clear|move|push|shift|reschedule|postpone"
    r"|change|rename|mark|show|list)[\s,]+(?:(?:please|pls|plz|kindly|quickly)[\s,]+)+(?=\S)",
    _I,
)
_EN_FILLER_TAIL = re.compile(
    r"(?:[\s,]+(?:pretty\s+please|please|pls|plz|thanks(?:\s+a\s+lot)?|thx|ty|tysm|thank\s+(?:you|u)(?:\s+so\s+much)?))+"
    r"[\s.!?~]*$",
    _I,
)
# Trailing words of bare jamo ("ㄱㄱ", "ㅇㅋ", "ㅎㅎ"): chat noise, not part of a title.
# Not ㄴㄴ ("no no"), which says the opposite of the command before it.
_JAMO_TAIL = re.compile(r"(?:\s+[ㄱㅇㅋㅎㅠㅜ]+[\s.!?~]*)+$")


@dataclass(frozen=True)
class Typed:
    """The command reshaped, and a memo given with it."""

    prompt: str
    memo: str | None = None


def _korean(text: str) -> bool:
    return re.search(r"[가-힣]", text) is not None


def split_memo(text: str) -> tuple[str, str | None]:
    """The command and the memo after `메모:` / `note:` (None when there is none)."""
    found = _MEMO.search(text)
    if found is None or found.start() == 0:
        return text, None
    memo = found.group("memo").strip()
    if _KO_TRAILING_VERB.search(memo):
        return text, None  # "메모: 스케일링 추가": where the memo ends is not sure
    if (quoted := _QUOTED_MEMO.match(memo)) is not None:
        memo = quoted.group("inner").strip()
    return text[: found.start()].strip(" ,.;"), memo or None


def drop_fillers(text: str) -> str:
    """Urgency and politeness words after the verb dropped ("치과 예약 잡아줘 꼭", "add please X")."""
    if _korean(text):
        found = _KO_FILLER_TAIL.search(text)
        if found is None or found.start() == 0:
            return text
        head = _TAIL.sub("", text[: found.start()])
        # Only after a verb (at the end, or opening a verb-first command): "치과 꼭" alone is left as said.
        return head if _KO_VERB_BEFORE.search(head) or _KO_LEAD_VERB.match(head) else text
    if (found := _EN_VERB_FILLER.match(text)) is not None:
        text = f"{found.group('verb')} {text[found.end() :]}"
    if (tail := _EN_FILLER_TAIL.search(text)) is not None and tail.start() > 0:
        text = text[: tail.start()]
    return text


def verb_last(text: str) -> str:
    """A Korean command opening with its verb, the verb put last ("추가해줘 내일 3시 치과")."""
    found = _KO_LEAD_VERB.match(text)
    if found is None:
        return text
    rest = _TAIL.sub("", found.group("rest"))
    if _KO_VERB_END.search(rest):
        return text
    return f"{rest} {found.group('verb')}"


def plain_ending(text: str) -> str:
    """A casual Korean ending dropped or said the usual way; English framing made an insert."""
    core = _TAIL.sub("", text)
    if _korean(core):
        if "?" not in text and (found := _KO_DID.search(core)) is not None:  # 했어? asks, it does not say
            head = core[: found.start()]
            if _KO_NEGATION.search(head):
                return text  # 안 했음 / 못 했어: not done at all
            return f"{head} 했음" if _KO_CHANGE_END.search(head) else f"{head} 완료"
        for ending in (_KO_CASUAL_DO, _KO_CASUAL_ATTACHED):
            if (found := ending.search(core)) is not None:
                head = core[: found.start()]
                return head if _KO_OPERATION_END.search(head) else f"{head} 추가"
        return text
    if _EN_DONE_WITH.match(core):
        return _EN_DONE_WITH.sub("done with ", core)
    if _EN_FRAMING.match(core):
        rest = _EN_FRAMING.sub("", core)
        # "i need to cancel X": cancel it now, or a task to cancel it later? Left as said (declined).
        return text if _EN_OPERATION.match(rest) else f"add {rest}"
    return text


def reshape(prompt: str) -> Typed:
    """The prompt as the engine's rules expect it, and the memo said with it."""
    text = _JAMO_TAIL.sub("", _DOUBLED.sub(r"\1", prompt)) or prompt
    text, memo = split_memo(text)
    text = plain_ending(verb_last(drop_fillers(text)))
    return Typed(prompt=text, memo=memo)

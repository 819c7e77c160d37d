"""New plans: the title, the time(s), the category, and the INSERT statements."""

import re
from datetime import datetime, time

from app.engine_answer import EngineAnswer
from app.local import lexicon as lx
from app.local import sqlbuild
from app.local.context import Context, Decline, ok
from app.local.intents import MARK
from app.local.records import Table
from app.local.titles import categories_mentioned, category_inside_word, category_named, match_plans, tokens_of

END_OF_DAY = time(23, 59, 59)

_QUOTED = re.compile(r""""(?P<dq>[^"]+)"|'(?P<sq>[^']+)'""")
_KO_OBJECT = re.compile(r"(?<=[가-힣0-9a-zA-Z)])(?:을|를)$")
_EN_DANGLING = re.compile(r"\s+(?:for|at|on|by|in|to|from|until|due)$", re.IGNORECASE)
_TIMEISH = re.compile(rf"{lx.TIMEISH_KO}|{lx.TIMEISH_EN}", re.IGNORECASE)
_EXPLICIT_CATEGORY = re.compile(
    r"(?:(?P<ko>\S+?)\s*카테고리(?:에|로|으로)?|(?:in|to|under|into)\s+(?:the\s+)?(?P<en>[\w&-]+)\s+category)",
    re.IGNORECASE,
)
_RANGE_START = re.compile(r"부터|\bfrom\b|\bbetween\b", re.IGNORECASE)
_EN_COMMAND_WORD = re.compile(
    r"\b(?:add|delete|remove|cancel|move|push|postpone|mark|rename|show|list|summari[sz]e|brief|make|turn|convert"
    r"|reschedule|complete|finish|done|ignore|print|write|translate|tell)\b",
    re.IGNORECASE,
)
_CLASS_WORD_END = re.compile(r"(?:일정|할\s*일|스케줄|투두)$")
_DAY_PART = re.compile(r"아침|점심|저녁|새벽|밤|오전|오후|낮")
_MERIDIEM = re.compile(r"오전|오후")
_PLAN_TIME_WORDS = re.compile(
    r"(?:끝나는|끝날|시작하는|시작|종료|마치는)\s*(?:시간|시각)|\b(?:end|start)(?:ing)?\s+time\b|\bthe\s+(?:end|start)\s+of\b",
    re.IGNORECASE,
)
_MEMO_WORDS = re.compile(r"메모|memo|note:|우선\s*순위|중요도|priority|카테고리|category", re.IGNORECASE)
_GENERIC = frozenset(
    {"일정", "할일", "약속", "계획", "스케줄", "todo", "task", "event", "reminder", "plan", "something"}
)
_EN_ARTICLE = re.compile(r"^(?:a|an|the|my|our|some|this|that)\s", re.IGNORECASE)
_EN_NOT_A_TITLE = re.compile(
    r"^(?:what|whats|wat|when|where|who|why|how|is|are|am|do|does|did|can|could|will|would|should|i|i'm|i've|i'd|let's|"
    r"there|it|it's|that|this|yes|no|not|don't|for|with|about|at|on|in|to|from|by|of|and|or|but"
    # Imperatives the insert rule does not take: is "Book" the verb or part of the title? Not guessed.
    r"|insert|enter|book|plan|set|put|jot|pencil|block|log|register|save|record|remember|remind|please|pls)\b",
    re.IGNORECASE,
)
_KO_PREDICATE = re.compile(
    r"(?:해|해요|했어|했음|했슴|할게|할께|할게요|할거야|할 거야|놔|놔줘|둬|둬줘|해놓기"  # casual endings
    r"|할까|할래|하자|가자|먹자|보자|돼|돼요|되나|줘|줘요|야|요|다|니|냐|까|네|죠|래|지마|말자|없어|있어|있음|없음"
    r"|마|말아|않아|않기|안\s*해|못\s*해|(?<=\s)함)$"
)
# A last word ending in a particle ("회사로", "민석이랑"): a fragment, not a title.
_KO_TRAILING_PARTICLE = re.compile(r"[가-힣](?:으로|로|에서|에게|한테|에|이랑|랑|하고|은|는|을|를)$")
# Verb stems of other operations: a bare phrase holding one is not safely a new plan.
_KO_OTHER_VERBS = re.compile(
    r"삭제|취소|지워|지우|없애|옮겨|옮기|미뤄|미루|당겨|연기|바꿔|변경|완료|끝냈|보여|알려|요약|브리핑"
    r"|(?:추가|등록)\s*(?:해|하)"  # an insert verb the rules did not take ("추가해주세용"): not part of a title
)


def _inner(quote: re.Match[str]) -> str:
    return (quote.group("dq") or quote.group("sq") or "").strip()


def _explicit_category(body: str, ctx: Context) -> tuple[int | None, str]:
    found = _EXPLICIT_CATEGORY.search(body)
    if found is None:
        return None, body
    category = category_named(found.group("ko") or found.group("en") or "", ctx.records.categories)
    if category is None:
        raise Decline("unknown category named")
    return category.id, " ".join((body[: found.start()] + " " + body[found.end() :]).split())


def new_title(body: str, lang: str, clock: time | None = None) -> str:
    """The title as written: time marks, quotes, a trailing object particle removed."""
    text = " ".join(body.replace(MARK, " ").split()).strip(" ,.:;-")
    quoted = _QUOTED.fullmatch(text)
    if quoted is not None:
        text = _inner(quoted)
    elif '"' in text:
        raise Decline("quotes around part of the title")
    text = _KO_OBJECT.sub("", text).strip() if lang == "ko" else _EN_DANGLING.sub("", text).strip()
    words = tokens_of(text)
    if not words or "".join(words) in _GENERIC or all(w in lx.PRONOUNS for w in words):
        raise Decline("no title")
    stray_quote = '"' in text or (lang == "ko" and quoted is None and text.count("'") % 2 == 1)
    if len("".join(words)) < 2 or stray_quote:
        raise Decline("a one-letter title or a stray quote")
    if _CLASS_WORD_END.search(text):
        raise Decline("a title ending in 일정/할 일: part of the title or not?")
    # A quoted title is the user's own words: a day name in it ("Black Friday") is not a time.
    if len(text) > 100 or (quoted is None and (_TIMEISH.search(text) or _MEMO_WORDS.search(text))):
        raise Decline("title holds words the engine does not place")
    if _PLAN_TIME_WORDS.search(text):
        raise Decline("words about a plan's start or end: a change, not a new plan")
    if _DAY_PART.search(text) and (clock is None or _MERIDIEM.search(text)):
        raise Decline("a part of day that may be the time or the title")
    if quoted is None and _EN_ARTICLE.match(text):
        raise Decline("title starts with an article")
    return text


def _check_time_shape(ctx: Context, body: str) -> None:
    """One time phrase, before or after the title (never splitting it), that is not a move target."""
    tp = ctx.time
    if tp.destination:
        raise Decline("a move target (…로 / to …) in a new plan")
    marks = body.count(MARK)
    inner = body.strip().strip(MARK).strip()
    if marks > 1 or (marks == 1 and MARK in inner):
        raise Decline("time words around or inside the title")
    span_text = " ".join(ctx.prompt[start:end] for start, end in tp.spans)
    if tp.end_moment is None and _RANGE_START.search(span_text):
        raise Decline("a range start without its end")


def _final_consonant(syllable: str) -> int:
    """The index of a Hangul syllable's final consonant (0: none)."""
    return (ord(syllable) - 0xAC00) % 28 if "가" <= syllable <= "힣" else 0


# Nouns ending like a nominalized predicate (…음, …임): still names of things to do.
_NOUNS_LIKE_PREDICATES = (
    "모임", "게임", "처음", "마음", "웃음", "모음", "걸음", "소음", "발음", "녹음", "얼음", "다음",
)  # fmt: skip


def _conjugated(word: str) -> bool:
    """A past (왔음, 갔어), promise (볼게, 갈게) or statement (피곤함, 긴장됨, 휴가임) form: not a task's name."""
    if len(word) < 2:
        return word in ("옴", "됨", "임")
    past = word[-1] in "음어다지네" and _final_consonant(word[-2]) == 20  # ㅆ
    promise = word[-1] in "게께" and _final_consonant(word[-2]) == 8  # ㄹ
    statement = word[-1] in "함됨옴음임" and not word.endswith(_NOUNS_LIKE_PREDICATES)
    return past or promise or statement


def _check_bare(title: str, ctx: Context) -> None:
    """A prompt with no verb at all is a new plan only when it reads like one."""
    cmd = ctx.command
    if cmd.question:
        raise Decline("a question")
    if cmd.lang == "ko" and (
        _KO_PREDICATE.search(title)
        or _KO_OTHER_VERBS.search(title)
        or _KO_TRAILING_PARTICLE.search(title)
        or _conjugated(title.split()[-1])
    ):
        raise Decline("ends like a sentence, or holds another operation's verb")
    # Checked in Korean prompts too: "delete 줄넘기 on Saturday" mixes an English verb with a Korean title.
    if _EN_NOT_A_TITLE.match(title) or _EN_COMMAND_WORD.search(title):
        raise Decline("reads like a sentence or another command, not a title")
    found = match_plans(title, ctx.records.plans)
    if found.kind in ("match", "ambiguous") and found.q_cov >= 0.999:
        raise Decline("bare mention of an existing plan")


def _anchor_value(ctx: Context) -> sqlbuild.Value:
    """The new plan's time from the anchor plan's time (or a subquery when it was not sent)."""
    tp = ctx.time
    if tp.anchor_title is None or tp.anchor_offset is None:
        raise Decline("an offset without a quoted plan title")
    if tp.end_moment is not None or tp.dates:
        raise Decline("anchor with a range or recurrence")
    found = match_plans(tp.anchor_title, ctx.records.plans)
    if found.kind != "match" or len(found.plans) != 1:
        raise Decline("anchor is not one plan")
    quoted = tp.anchor_span is not None and ctx.prompt[tp.anchor_span[0]] in "\"'"
    if not quoted and found.score < 0.999:
        raise Decline("an unquoted anchor that is not a plan's title as written")
    plan = found.plans[0]
    if plan.start is not None:
        moment = tp.resolve_anchor(plan.start)
        if moment is None:
            raise Decline("anchor not resolved")
        return moment
    offset = tp.anchor_offset
    if offset.months or offset.days or tp.clock is not None:
        raise Decline("anchor time unknown and not a plain minute offset")
    return sqlbuild.shifted_column(plan.table, plan.id, plan.time_column, offset.minutes)


def _times(ctx: Context) -> list[tuple[Table, list[sqlbuild.Value]]]:
    """(table, time values) of every row to insert."""
    tp = ctx.time
    if tp.anchor_offset is not None:
        return [("TODO", [_anchor_value(ctx)])]
    if tp.dates:
        if len(tp.occurrences) != len(tp.dates):
            raise Decline("recurrence without its occurrences")
        ends = {end is None for _, end in tp.occurrences}
        if len(ends) != 1:
            raise Decline("recurrence with and without ends")
        if ends == {True}:
            return [("TODO", [start]) for start, _ in tp.occurrences]
        return [("SCHEDULE", [start, end]) for start, end in tp.occurrences]
    if tp.end_moment is not None:
        if tp.moment is None or tp.end_moment <= tp.moment:
            raise Decline("range without a start or ending before it")
        return [("SCHEDULE", [tp.moment, tp.end_moment])]
    if tp.moment is not None:
        return [("TODO", [tp.moment])]
    raise Decline("no time for the new plan")


def _inferred_category(title: str, ctx: Context) -> int | None:
    """The category whose title is in the new plan's title; unsure when another is elsewhere in the command."""
    in_title = categories_mentioned(title, ctx.records.categories)
    in_prompt = categories_mentioned(ctx.prompt, ctx.records.categories)
    if len(in_title) > 1 or any(cat not in in_title for cat in in_prompt):
        raise Decline("several categories, or one outside the title")
    if category_inside_word(ctx.prompt, ctx.records.categories):
        raise Decline("a category title inside a longer word")
    return in_title[0].id if in_title else None


_COLUMNS: dict[Table, tuple[str, ...]] = {"TODO": ("due_time",), "SCHEDULE": ("start_time", "end_time")}


def handle_insert(ctx: Context) -> EngineAnswer:
    """INSERT statement(s) for a new plan, recurring plan, or plan relative to another."""
    cmd = ctx.command
    if cmd.question:
        raise Decline("a question")
    category_id, body = _explicit_category(cmd.body, ctx)
    body = re.sub(lx.KO_LEADING_PLACE, "", body.strip())
    body = re.sub(lx.EN_PLACE_ANYWHERE, "", body, flags=re.IGNORECASE)
    _check_time_shape(ctx, body)
    if _QUOTED.search(body) and _QUOTED.fullmatch(body.replace(MARK, " ").strip()) is None:
        raise Decline("quoted words inside a longer phrase")
    title = new_title(body, cmd.lang, ctx.time.clock)
    if not cmd.explicit:
        _check_bare(title, ctx)
    if category_id is None:
        category_id = _inferred_category(title, ctx)
    rows = _times(ctx)
    if any(isinstance(v, datetime) and v.date() < ctx.now.date() for _, times in rows for v in times):
        raise Decline("a new plan on a past day")
    if len(rows) > 62:
        raise Decline("too many rows")
    sql = []
    for table, times in rows:
        values: dict[str, sqlbuild.Value] = {"title": title}
        values.update(zip(_COLUMNS[table], times, strict=True))
        if ctx.memo is not None:
            values["memo"] = ctx.memo
        if category_id is not None:
            values["category_id"] = category_id
        sql.append(sqlbuild.insert(table, values))
    return ok("insert", sql)

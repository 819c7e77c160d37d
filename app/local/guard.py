"""Prompts that are not about plans at all: injections and off-topic requests.

Only confident cases are flagged; anything that might still be a plan command is left
to the other rules (and, failing them, to the LLM).
"""

import re
from collections.abc import Iterable

_FLAGS = re.IGNORECASE

# Attempts to make the system do something else: role changes, prompt leaks, schema damage.
_INJECTION = re.compile(
    r"ignore\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous\s+|prior\s+|above\s+)?(?:rules|instructions|prompts?|directions)"
    r"|(?:print|show|reveal|repeat|tell\s+me|output|give\s+me|what\s+(?:is|are))\s+(?:me\s+)?(?:your|the)\s+"
    r"(?:system\s+)?(?:instructions|prompt|system\s+prompt|rules|guidelines|configuration)"
    r"|system\s+prompt|developer\s+mode|admin(?:istrator)?\s+mode|jailbreak|\bdan\s+mode|\byou\s+are\s+now\b"
    r"|\bfrom\s+now\s+on\s+you\b|\bpretend\s+(?:to\s+be|you\s+are)\b|\bact\s+as\s+(?:an?\s+)?(?:admin|hacker|dba|root)"
    r"|\bselect\s+\*?\s*[\w,\s]*\bfrom\s+(?:todo|schedule|category)\b"
    # SQL verbs count only with a table of the schema: "insert into my calendar …" is a command.
    r"|\bdelete\s+from\s+(?:todo|schedule|category)\b|\binsert\s+into\s+(?:todo|schedule|category)\b"
    r"|\bupdate\s+(?:todo|schedule|category)\s+set\b|\bunion\s+select\b|;\s*--"
    r"|\bdrop\s+(?:all\s+)?(?:the\s+)?tables?\b|\b(?:drop|truncate|alter)\b.*\btables?\b"
    r"|\b(?:todo|schedule|category)\s+tables?\b|\btruncate\s+table|\bdelete\s+(?:all\s+)?(?:the\s+)?tables\b|all\s+tables"
    r"|\bpragma\b|\battach\s+database|sqlite_master|database\s+schema|\bexecute\s+(?:this\s+)?sql"
    r"|관리자\s*(?:모드|권한)|루트\s*권한|개발자\s*모드|(?:모든|전체)\s*데이터\s*(?:를|을)?\s*(?:삭제|지워|초기화|날려|없애)|데이터\s*(?:를|을)?\s*(?:전부|모두|다)?\s*(?:삭제|지워|초기화|날려)"
    r"|\ball\s+(?:the\s+|my\s+)?data\b|\bwipe\s+(?:all|everything|the\s+database)|\badmin\s+(?:rights|privileges|access)|시스템\s*프롬프트|프롬프트\s*(?:을|를)?\s*(?:보여|알려|출력|공개)"
    r"|지시\s*(?:사항)?\s*(?:을|를)?\s*무시|규칙\s*(?:을|를)?\s*무시|(?:이전|위의?|앞의?)\s*(?:지시|명령|규칙)"
    r"|(?:모든|전체|전부)\s*테이블|테이블\s*(?:을|를)?\s*(?:모두|전부|다)?\s*(?:삭제|지워|드롭|날려|없애)"
    r"|데이터\s*베이스\s*(?:을|를)?\s*(?:삭제|지워|초기화|날려)|탈옥|역할\s*극|너는\s*이제|넌\s*이제|지금부터\s*(?:너는|넌)"
    r"|명령\s*(?:어|을|를)?\s*(?:전부|다|모두)?\s*무시",
    _FLAGS,
)

# Requests for things the app does not do (answered only when nothing in them is a plan).
_OFF_TOPIC = re.compile(
    r"날씨|기온|미세\s*먼지|환율|주가|주식|코인|비트코인|뉴스|로또|운세|별자리|농담|유머|개그|번역|레시피|요리법|맛집"
    r"|(?<![0-9])시\s*(?:를|한\s*편)?\s*(?:써|지어)|노래\s*(?:불러|추천)|수도는|누구야|몇\s*살"
    r"|\bweather\b|\bforecast\b|exchange\s+rate|stock\s+price|\bbitcoin\b|\bnews\b|\bpoem\b|\bpoetry\b|\bjoke\b"
    r"|\btranslate\b|\brecipe\b|\bhoroscope\b|\blottery\b|capital\s+of|\bsing\b|\bstory\s+about\b|\bsong\b",
    _FLAGS,
)
_GREETING = re.compile(
    r"^(?:안녕(?:하세요)?|하이|헬로|고마워(?:요)?|감사합니다|땡큐|hi|hello|hey|thanks|thank\s+you|good\s+morning)?[\s,!.~?]*"
    r"(?:(?:what'?s|wats|wat's)\s+up|sup|wassup|how\s+are\s+you|how'?s\s+it\s+going|lol|lmao|thx|ok\s+thx)?[\s!.~?]*$",
    _FLAGS,
)
# Words that put a prompt back in the plan domain despite an off-topic word.
_PLAN_WORDS = re.compile(
    r"추가|등록|넣어|삭제|지워|취소|옮겨|미뤄|당겨|바꿔|변경|완료|일정|할\s*일|스케줄|리마인드|알림|까지|에\s*(?:가기|하기)"
    r"|\badd\b|\bschedule\b|\bremind|\btodo\b|\btask\b|\bdelete\b|\bremove\b|\bcancel\b|\bmove\b|\bcalendar\b"
    r"|\bcheck\b|\bby\b|\bat\s+\d|\bon\s+(?:mon|tue|wed|thu|fri|sat|sun)",
    _FLAGS,
)


_LEAD = re.compile(r"^(?:(?:please|pls|hey|hi|ok|okay|so|could\s+you|can\s+you|would\s+you|will\s+you)[\s,]+)+", _FLAGS)


def is_injection(prompt: str) -> bool:
    """The prompt tries to change the system's role, leak its prompt or damage the schema."""
    return _INJECTION.search(prompt) is not None


# The prompt asks for something (a question or a request), as opposed to naming a task.
_ASKING = re.compile(
    r"\?|알려|어때|어떄|뭐야|뭐지|얼마|해\s*줘|써\s*줘|불러|추천|줄래|있어|있나|인가|일까|는지"
    r"|^(?:what|how|who|where|when|why|which|is|are|will|tell|write|give|translate|sing|show|recommend|can|could)\b",
    _FLAGS,
)


def is_off_topic(prompt: str, titles: Iterable[str]) -> bool:
    """A question or request about something else entirely (weather, rates, poems, jokes)."""
    if _GREETING.match(prompt.strip()):
        return True
    prompt = re.sub(_LEAD, "", prompt)
    found = _OFF_TOPIC.search(prompt)
    if found is None or _PLAN_WORDS.search(prompt) or not _ASKING.search(prompt):
        return False
    word = found.group(0).lower()
    return not any(word in title.lower() for title in titles)

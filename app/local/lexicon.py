"""Word lists and regex fragments of the local engine: data, not logic.

Everything here is general Korean/English vocabulary of calendar commands; nothing is
tied to particular test cases.
"""

# Korean particles that may trail a word, longest first (stripped when 2+ syllables remain).
PARTICLES: tuple[str, ...] = (
    "이랑", "하고", "에서", "까지", "부터", "으로", "이나",
    "을", "를", "이", "가", "은", "는", "랑", "와", "과", "의", "도", "로", "에", "나",
)  # fmt: skip

# Query words that may be dropped when they match nothing ("Swim sessions" = "Swim").
MATCH_FILLERS: frozenset[str] = frozenset(
    {
        "거", "것", "건", "일정", "스케줄", "계획", "약속", "할일", "투두", "항목", "일",
        "session", "sessions", "event", "events", "plan", "plans", "task", "tasks", "todo", "todos",
        "item", "items", "thing", "things", "one", "ones", "entry", "entries", "reminder",
    }
)  # fmt: skip

# Query words that never carry meaning for matching.
MATCH_STOPWORDS: frozenset[str] = frozenset({"the", "a", "an", "my", "our", "your", "please", "좀", "내", "제", "나의"})

# Colloquial short forms whose full form is not found by initial syllables.
ABBREVIATIONS: dict[str, str] = {
    "알골": "알고리즘",
    "알바": "아르바이트",
    "플젝": "프로젝트",
    "프젝": "프로젝트",
    "컴공": "컴퓨터공학",
    "mtg": "meeting",
    "appt": "appointment",
    "hw": "homework",
    "bday": "birthday",
}

# Words that make an operation apply to every matching row.
BULK_KO: frozenset[str] = frozenset(
    {"모두", "전부", "다", "싹", "싹다", "전체", "모든", "몽땅", "죄다", "전부다", "모두다"}
)
BULK_EN: frozenset[str] = frozenset({"all", "every", "each", "everything"})

# Words naming which table(s) a command is about.
TODO_WORDS: tuple[str, ...] = ("할 일", "할일", "투두", "todo", "todos", "to-do", "to-dos", "task", "tasks")
SCHEDULE_WORDS: tuple[str, ...] = ("스케줄", "schedules", "events", "event", "appointments")
BOTH_WORDS: tuple[str, ...] = ("일정", "계획", "plans", "plan", "calendar", "schedule", "agenda")

# A trailing auxiliary after a Korean verb stem: 지워 + 줘, 삭제 + 해 + 주세요, 완료 + 해 + 줘 + 요.
KO_AUX = (
    r"(?:\s*(?:해|하|해요|합니다|하자|할래|해라|시켜|처리해|처리|할게|할께|할게요))?"
    r"(?:\s*(?:줘|주세요|주세용|줘용|줄래|주라|줘라|줄\s*수\s*있어|줄래요|봐|봐줘|둬|놔|버려|버려줘|놔줘|둬줘"
    # casual promises: 등록해 둘게, 추가해 놓을게
    r"|둘게|둘께|놓을게|놓을께|놔둘게|놔둬|놔야지|둬야지"
    # needs doing: 미뤄야 돼, 삭제해야 함
    r"|야\s*(?:돼|됨|해|함|겠어|겠다|할\s*듯)))?"
    r"(?:요|용)?"
)

# Korean polite words dropped wherever they stand as a word.
KO_POLITE: frozenset[str] = frozenset(
    {"좀", "제발", "부탁해", "부탁해요", "부탁합니다", "부탁드려요", "부탁드립니다", "plz"}
)
EN_LEAD = (
    r"^(?:(?:please|pls|plz|hey|hi|ok|okay|so|now|could\s+you|can\s+you|would\s+you|will\s+you|can\s+u|could\s+u"
    r"|can\s+we|could\s+we|kindly)[\s,]+)+"
)
EN_TAIL = r"(?:[\s,]+(?:please|pls|plz|thanks|thx|thank\s+you|for\s+me|now|instead))+$"

# Korean verb groups (regex alternatives, before KO_AUX).
KO_DELETE = r"삭제|제거|취소|지워|지우|없애|빼|날려"
KO_COMPLETE = (
    r"완료(?:\s*(?:했어|했음|했다|함|됐어|됨|처리|표시|체크|로\s*(?:표시|처리|바꿔|변경)))?"
    r"|다\s*(?:했어|했음|했다|함|끝냈어|끝났어|마쳤어|끝냄)|끝냈어|끝냈음|끝났어|끝냄|끝|마쳤어|마침"
)
KO_UNCOMPLETE = r"미\s*완료(?:\s*(?:로|으로))?(?:\s*(?:표시|처리|변경|바꿔|돌려|전환))?|완료\s*(?:취소|해제)"
KO_UPDATE = r"옮겨|옮기|이동|미뤄|미루|연기|늦춰|당겨|앞당겨|바꿔|변경|수정|조정|늘려|연장"
# Verbs that lengthen a plan: only its end moves, so they are taken only with end words (끝나는 시간).
KO_EXTEND = frozenset({"늘려", "연장"})
KO_LATER = frozenset({"미뤄", "미루", "연기", "늦춰"})
KO_EARLIER = frozenset({"당겨", "앞당겨"})
KO_SUMMARY = r"요약|브리핑"
KO_SELECT = (
    r"보여|알려|뭐\s*있(?:어|지|나|니|음|을까|는지)?|뭐야|뭐지|뭐\s*해야\s*(?:돼|해|하지)?|뭐\s*하지"
    r"|있어|있나|있니|있는지|목록|리스트|찾아|조회|일정\s*확인|확인|언제(?:야|지|예요|에요|였지|더라|인지|인가)?"
    r"|언제\s*(?:끝나|시작해|시작하|끝내야\s*해|해야\s*(?:돼|해))(?:요|지|니|나|냐)?"
)
KO_INSERT = r"추가|등록|넣어|저장|기록|잡아|만들어|메모|적어|리마인드|리마인더\s*설정|알림\s*설정"
KO_CONVERT_TO_SCHEDULE = r"스케줄|일정|이벤트"
KO_CONVERT_TO_TODO = r"할\s*일|투두|todo"
KO_CHANGE = r"바꿔|변경|수정|전환|변환|만들어|옮겨|이동"

# Places a new plan is put in, said before the insert verb ("캘린더에 추가").
KO_INSERT_PLACE = r"(?:(?:캘린더|달력|일정|할\s*일|투두|목록|todo)\s*(?:에|으로|로)\s*)?"
EN_INSERT_PLACE = (
    r"(?:\s+(?:to|on|in|into)\s+(?:my|the)\s+(?:calendar|schedule|todo\s+list|to-do\s+list|todos|list|agenda))?"
)
# The same place anywhere in a new plan's title phrase ("Add X to my calendar for tomorrow").
EN_PLACE_ANYWHERE = (
    r"\s+(?:to|on|in|into)\s+(?:my|the)\s+(?:calendar|schedule|todo\s+list|to-do\s+list|todos|list|agenda)\b"
)

# A place said at the start of an insert ("할 일에 내일 장보기 추가").
KO_LEADING_PLACE = r"^(?:캘린더|달력|일정|할\s*일|투두|목록|todo)\s*(?:에|으로|로)\s+"

# Words that mark an operation's target as vague (a previous turn, "it"): never guessed.
PRONOUNS: frozenset[str] = frozenset(
    {"그거", "그것", "이거", "이것", "저거", "it", "that", "this", "them", "those", "these"}
)

# Leftover words that show a time expression the resolver did not consume.
TIMEISH_KO = (
    r"오늘|내일|모레|글피|어제|그제|그저께|요일|주말|평일|이번\s*주|다음\s*주|지난\s*주|이번\s*달|다음\s*달|지난\s*달"
    r"|정오|자정|매일|매주|매달|\d+\s*(?:시|분|일|월|주|년|달|시간)"
)
TIMEISH_EN = (
    r"\b(?:today|tonight|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|noon|midnight|daily|weekly|monthly|every\s+\w+|(?:this|next|last)\s+(?:week|month|year|weekend)"
    r"|o'?clock)\b|\d+\s*(?:am|pm|a\.m\.|p\.m\.|:\d\d)\b|\b\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)\b|\b(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|january|february|march|april"
    r"|june|july|august|september|october|november|december)\b"
)

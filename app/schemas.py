"""Request and response bodies of the HTTP API (api.md); separate from any storage model."""

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_PROMPT_CHARS = 1000
# The ceiling of a memo; CALENDY_MAX_MEMO_CHARS (app/api/limits.py) tightens it per deployment.
MAX_MEMO_CHARS = 10_000
# Ids are SQLite INTEGERs (signed 64-bit): a larger one cannot be written into any statement.
MAX_ID = 2**63 - 1
# Priority is a small ordinal in the client's database (a 32-bit integer there).
MAX_PRIORITY = 2**31 - 1
# Request bodies take JSON's own types only: "12" is not an id and "yes" is not true.
REQUEST_CONFIG = ConfigDict(strict=True, extra="ignore")
_TIME_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")


def _check_time(value: str) -> str:
    """Accept only `YYYY-MM-DD HH:MM:SS` that is a real moment."""
    # fromisoformat is C-fast but lenient (a 'T', no seconds): the shape is checked first.
    if len(value) != 19 or value[10] != " " or not _TIME_SHAPE.match(value):
        raise ValueError("must be 'YYYY-MM-DD HH:MM:SS'")
    try:
        datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("must be 'YYYY-MM-DD HH:MM:SS'") from exc
    return value


# The years the engines compute in: dates far outside them overflow datetime arithmetic
# (9999-12-31 plus a day), so a `now` outside is refused at the boundary (docs/operations.md).
MIN_YEAR = 1900
MAX_YEAR = 2200


def _check_now(value: str) -> str:
    """A `now` within the supported years."""
    if not MIN_YEAR <= int(value[:4]) <= MAX_YEAR:
        raise ValueError(f"must be a time in the years {MIN_YEAR} to {MAX_YEAR}")
    return value


Timestamp = Annotated[str, AfterValidator(_check_time), Field(examples=["2023-11-23 20:25:39"])]
# Record times stay unbounded: a client may keep a far-future sentinel (9999-12-31) in its data.
Now = Annotated[Timestamp, AfterValidator(_check_now)]
Title = Annotated[str, Field(min_length=1, max_length=500)]
RecordId = Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)]
Priority = Annotated[int, Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY)]
Memo = Annotated[str, Field(max_length=MAX_MEMO_CHARS)]
EngineName = Literal["auto", "local", "llm"]
Locale = Literal["ko", "en"]


class Record(BaseModel):
    """Fields common to every record the client sends."""

    model_config = REQUEST_CONFIG

    id: RecordId
    title: Title
    priority: Priority | None = None


class Category(Record):
    """A category of plans."""


class Todo(Record):
    """A task with a due time."""

    due_time: Timestamp | None = None
    category_id: RecordId | None = None
    complete: bool | None = None
    memo: Memo | None = None


class Schedule(Record):
    """An event with a start and an end."""

    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    category_id: RecordId | None = None
    memo: Memo | None = None


class HistoryTurn(BaseModel):
    """An earlier command and the statements it produced."""

    model_config = REQUEST_CONFIG

    prompt: str = Field(max_length=1000)
    statements: list[str] = Field(default_factory=list, max_length=50)


def _unique_ids(name: str, records: list[Record]) -> None:
    seen: set[int] = set()
    for record in records:
        if record.id in seen:
            raise ValueError(f"duplicate id {record.id} in {name}")
        seen.add(record.id)


class SqlRequest(BaseModel):
    """POST /v1/sql: a command, the client's time and the user's records."""

    model_config = REQUEST_CONFIG

    prompt: str = Field(
        examples=["내일 8시 알골 과제 추가"],
        description="1 to 1000 characters after trimming",
        json_schema_extra={"minLength": 1, "maxLength": MAX_PROMPT_CHARS},
    )
    now: Now
    categories: list[Category] = Field(default_factory=list)
    todos: list[Todo] = Field(default_factory=list)
    schedules: list[Schedule] = Field(default_factory=list)
    history: list[HistoryTurn] = Field(default_factory=list, max_length=5)
    engine: EngineName = "auto"
    locale: Locale | None = None

    @field_validator("prompt")
    @classmethod
    def _strip_prompt(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > MAX_PROMPT_CHARS:
            raise ValueError(f"must be at most {MAX_PROMPT_CHARS} characters after trimming")
        return value

    @model_validator(mode="after")
    def _ids_unique(self) -> "SqlRequest":
        _unique_ids("categories", list(self.categories))
        _unique_ids("todos", list(self.todos))
        _unique_ids("schedules", list(self.schedules))
        return self

    @property
    def now_dt(self) -> datetime:
        """`now` as a naive datetime (the client's local time)."""
        # Validated as exactly 'YYYY-MM-DD HH:MM:SS', which fromisoformat reads ~20x faster than strptime.
        return datetime.fromisoformat(self.now)


Status = Literal["ok", "no_such_plan", "not_understood"]
Intent = Literal["insert", "update", "delete", "select", "summary", "mixed"]
StatementKind = Literal["select", "insert", "update", "delete"]


class Statement(BaseModel):
    """One validated SQLite statement, regenerated from its syntax tree."""

    sql: str
    kind: StatementKind
    table: str
    ids: list[int] = Field(default_factory=list)
    destructive: bool = False
    preview_sql: str | None = None


class Usage(BaseModel):
    """Token counts of the LLM call(s) made for one request."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
        )


class SqlResponse(BaseModel):
    """200 answer of POST /v1/sql."""

    request_id: str
    status: Status
    intent: Intent | None = None
    message: str | None = None
    statements: list[Statement] = Field(default_factory=list)
    needs_confirmation: bool = False
    engine: Literal["local", "llm"] | None = None
    model: str | None = None
    usage: Usage | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)


class SummaryPlan(BaseModel):
    """One selected row the client wants briefed."""

    model_config = REQUEST_CONFIG

    kind: Literal["todo", "schedule"]
    id: RecordId
    title: Title
    due_time: Timestamp | None = None
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    category: str | None = Field(default=None, max_length=500)
    complete: bool | None = None
    memo: Memo | None = None
    priority: Priority | None = None


class SummaryRequest(BaseModel):
    """POST /v1/summary: rows to brief, the client's time and language."""

    model_config = REQUEST_CONFIG

    now: Now
    plans: list[SummaryPlan] = Field(default_factory=list)
    locale: Locale | None = None
    engine: EngineName = "auto"


class SummaryResponse(BaseModel):
    """200 answer of POST /v1/summary."""

    request_id: str
    summary: str
    engine: Literal["local", "llm"]
    model: str | None = None
    usage: Usage | None = None


class ErrorDetail(BaseModel):
    """The `error` object of every non-200 response."""

    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """Every non-200 response body."""

    error: ErrorDetail


class HelpRequest(BaseModel):
    """POST /v1/help: a question about Calendy itself."""

    model_config = REQUEST_CONFIG

    question: str = Field(min_length=1, max_length=1000)
    locale: Locale | None = None


class HelpSource(BaseModel):
    """A section of the served guide an answer rests on."""

    title: str
    url: str


class HelpResponse(BaseModel):
    """200 answer of POST /v1/help."""

    request_id: str
    answer: str
    sources: list[HelpSource] = Field(default_factory=list)
    abstained: bool = False
    engine: Literal["docs", "llm"] = "docs"
    model: str | None = None
    usage: Usage | None = None


# /v1/feedback and /readyz.
Outcome = Literal["executed", "failed", "undone", "corrected"]
# The validator refuses longer SQL anyway; the limit keeps the body check cheap.
MAX_CORRECTED_SQL_CHARS = 100_000


class FeedbackRequest(BaseModel):
    """POST /v1/feedback: what the client did with the statements of an earlier /v1/sql answer."""

    model_config = REQUEST_CONFIG

    request_id: str = Field(min_length=1, max_length=26, description="The request_id of the /v1/sql answer.")
    outcome: Outcome = Field(
        description="executed: ran as given; failed: running them failed (see error); "
        "undone: the user reverted them; corrected: the user ran corrected_sql instead."
    )
    error: str | None = Field(default=None, max_length=2000, description="The client's error, for `failed`.")
    corrected_sql: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_CORRECTED_SQL_CHARS,
        description="The SQL the user ran instead; required for `corrected`, validated like model output.",
    )


class FeedbackResponse(BaseModel):
    """200 answer of POST /v1/feedback."""

    request_id: str
    feedback_id: int
    validation: Literal["records", "schema"] | None = Field(
        description="How corrected_sql was checked: against the original request's records, "
        "against the schema only (records not stored), or null (no corrected_sql)."
    )
    statements: list[Statement] = Field(default_factory=list, description="corrected_sql as validated statements.")
    orphaned: bool = Field(
        default=False,
        description="No request row of this key was found (it may have been lost in a crash): the feedback is "
        "kept, corrected_sql checked against the schema only.",
    )


class ReadyResponse(BaseModel):
    """200 answer of GET /readyz."""

    status: Literal["ready"]
    database: Literal["ok"]
    migrations: str
    llm: Literal["configured", "not_configured"]

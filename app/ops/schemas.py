"""Request and response bodies of /v1/feedback and /readyz (separate from the storage models)."""

from typing import Literal

from pydantic import BaseModel, Field

from app.schemas import REQUEST_CONFIG, Statement

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

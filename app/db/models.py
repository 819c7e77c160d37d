"""SQLAlchemy models of the service's own tables (storage only; API schemas live in app.schemas)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Index, Integer, MetaData, String, Text, false
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Json = JSON().with_variant(JSONB(), "postgresql")
Stamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class ApiKey(Base):
    """An API key: only its SHA-256 is kept; the key itself is shown once at creation."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Stamp, default=None)
    # Overrides the service-wide requests-per-minute for this key (0 = unlimited).
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer, default=None)


class RequestLog(Base):
    """One row per HTTP request, whatever its outcome (rejected, failed, timed out, rate-limited)."""

    __tablename__ = "request_log"
    __table_args__ = (Index(None, "created_at"), Index(None, "key_id", "created_at"))

    request_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    key_id: Mapped[str | None] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(200))
    http_status: Mapped[int] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(32))
    intent: Mapped[str | None] = mapped_column(String(16))
    engine: Mapped[str | None] = mapped_column(String(16))
    model: Mapped[str | None] = mapped_column(String(200))
    prompt: Mapped[str | None] = mapped_column(Text)
    prompt_sha256: Mapped[str | None] = mapped_column(String(64))
    prompt_chars: Mapped[int | None] = mapped_column(Integer)
    # The parsed request body (records included) when prompts are stored: feedback is checked
    # against it, and it is the input side of the training data.
    request_body: Mapped[Any | None] = mapped_column(Json)
    statements: Mapped[Any | None] = mapped_column(Json)
    validation: Mapped[str | None] = mapped_column(String(16))
    llm_calls: Mapped[int] = mapped_column(Integer, default=0)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cached_tokens: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[float] = mapped_column(Float)
    llm_latency_ms: Mapped[float] = mapped_column(Float, default=0.0)


class LlmCallLog(Base):
    """One row per LLM call (first answer or repair), failures included."""

    __tablename__ = "llm_call_log"
    __table_args__ = (Index(None, "request_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(26))
    call_index: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(Stamp)
    latency_ms: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cached_tokens: Mapped[int] = mapped_column(Integer, default=0)
    response_text: Mapped[str | None] = mapped_column(Text)


class Feedback(Base):
    """What the client did with a request's statements; input of the training pipeline."""

    __tablename__ = "feedback"
    __table_args__ = (Index(None, "request_id"), Index(None, "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(26))
    key_id: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    corrected_sql: Mapped[str | None] = mapped_column(Text)
    # `records`: checked against the request's stored records; `schema`: schema-only checks.
    validation: Mapped[str | None] = mapped_column(String(16))
    corrected_statements: Mapped[Any | None] = mapped_column(Json)
    # No request row was found (lost in a crash, or not written yet on another worker): the
    # feedback is kept, checked against the schema only, and used for training only if a row of
    # the same key turns up.
    orphaned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RateLimitWindow(Base):
    """A fixed one-minute window's request count for one key (shared by every worker)."""

    __tablename__ = "rate_limit_windows"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class FinetuneJob(Base):
    """A fine-tuning job this service started: its id and last known state survive a restart."""

    __tablename__ = "finetune_jobs"
    __table_args__ = (Index(None, "created_at"),)

    job_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    base_model: Mapped[str] = mapped_column(String(200))
    training_file_id: Mapped[str] = mapped_column(String(100))
    validation_file_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(32))
    fine_tuned_model: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    updated_at: Mapped[datetime] = mapped_column(Stamp)
    finished_at: Mapped[datetime | None] = mapped_column(Stamp)
    error: Mapped[str | None] = mapped_column(Text)
    # What the model is for: `sql` (/v1/sql) or `help` (/v1/help).
    purpose: Mapped[str] = mapped_column(String(16), default="sql", server_default="sql")


class FinetunedModel(Base):
    """A model a successful job produced; `calendy models use` can serve it."""

    __tablename__ = "finetuned_models"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    base_model: Mapped[str] = mapped_column(String(200))
    job_id: Mapped[str] = mapped_column(String(100))
    training_file_id: Mapped[str] = mapped_column(String(100))
    validation_file_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    finished_at: Mapped[datetime | None] = mapped_column(Stamp)
    metrics: Mapped[Any | None] = mapped_column(Json)
    purpose: Mapped[str] = mapped_column(String(16), default="sql", server_default="sql")


class ServiceSetting(Base):
    """A setting changed at run time by an operator command (e.g. `active_model`)."""

    __tablename__ = "service_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class HostedPlans(Base):
    """One person's plans (Slack team + user) as one JSON document, written by compare-and-set on `version`."""

    __tablename__ = "hosted_plans"

    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Bumped by every write; a writer that read an older version writes nothing (no lost update).
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[Any] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class SlackEvent(Base):
    """A Slack event already taken by a worker: the primary key makes a retried event run once."""

    __tablename__ = "slack_events"
    __table_args__ = (Index(None, "received_at"),)

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # When a worker last took it (a retry re-taking a stale claim moves it).
    received_at: Mapped[datetime] = mapped_column(Stamp)
    # When its work finished (0005); NULL long after received_at means the worker died mid-way.
    done_at: Mapped[datetime | None] = mapped_column(Stamp, nullable=True)


class SlackPending(Base):
    """A change waiting for its requester's Confirm or Cancel; any worker can take the click."""

    __tablename__ = "slack_pending"
    __table_args__ = (Index(None, "expires_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)
    # The /v1/sql answer whose statements run on Confirm.
    answer: Mapped[Any] = mapped_column(Json)
    # pending → confirmed | cancelled; the update from pending is the claim.
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    expires_at: Mapped[datetime] = mapped_column(Stamp)

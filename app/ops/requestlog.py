"""The request-log record: filled in as a request goes, turned into a row however it ends."""

import contextlib
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from app.db.connection import EncodedJson
from app.ops.llmcall import LlmCall
from app.schemas import SqlRequest, SqlResponse, SummaryRequest, SummaryResponse

# Probes every few seconds would drown the log, and so would the playground's files (a dozen per
# page load; its /v1 calls are logged like any client's); all are still counted in /metrics.
UNLOGGED_ROUTES = frozenset({"/healthz", "/readyz", "/metrics", "/playground/static/{path:path}"})
# The key of a logged body whose records were left out for size (their hash and counts).
RECORDS_OMITTED = "records_omitted"
_SQL_RECORDS = ("categories", "todos", "schedules", "history")
_SUMMARY_RECORDS = ("plans",)


def _capped_body(request: BaseModel, *, records: tuple[str, ...], max_chars: int | None) -> EncodedJson:
    """The body as JSON; over `max_chars`, without its records (a hash, the size and counts instead)."""
    text = request.model_dump_json()
    if max_chars is None or len(text) <= max_chars:
        return EncodedJson(text)
    kept = request.model_dump(mode="json", exclude=set(records))
    kept[RECORDS_OMITTED] = {
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "chars": len(text),
        **{name: len(getattr(request, name)) for name in records},
    }
    return EncodedJson(json.dumps(kept, ensure_ascii=False))


@dataclass
class RequestRecord:
    """What one request did: who asked, what, which engine answered, what it cost, how it ended."""

    request_id: str
    method: str
    path: str
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.perf_counter)
    route: str | None = None
    key_id: str | None = None
    http_status: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    status: str | None = None
    intent: str | None = None
    engine: str | None = None
    model: str | None = None
    prompt: str | None = None
    # The parsed body as JSON text (EncodedJson), or as a dict (rows built by `calendy synth`).
    request_body: EncodedJson | dict[str, Any] | None = None
    statements: list[dict[str, Any]] | None = None
    # The service functions append to this list as calls happen, so calls made before a
    # timeout or a cancellation are still here when the row is written.
    calls: list[LlmCall] = field(default_factory=list)
    latency_ms: float = 0.0
    # Bodies longer than this are logged without their records (None: always whole).
    max_body_chars: int | None = None

    def note_error(self, *, code: str, message: str) -> None:
        """The error the request was answered with."""
        self.error_code, self.error_message = code, message

    def note_cancelled(self) -> None:
        """The request was cancelled before it was answered (client gone, shutdown deadline)."""
        self.http_status = 499  # nginx's "client closed request": no response went out
        self.note_error(code="cancelled", message="the request was cancelled before it was answered")
        now = datetime.now(UTC)
        for call in self.calls:
            # A call cut off mid-flight has neither a reply nor an error of its own.
            if call.status == "ok" and call.response_text is None and call.usage is None:
                call.status, call.error = "cancelled", "the request was cancelled during the call"
                with contextlib.suppress(ValueError):
                    call.latency_ms = (now - datetime.fromisoformat(call.started_at)).total_seconds() * 1000

    def note_sql_request(self, request: SqlRequest) -> None:
        """The parsed /v1/sql body: its prompt and records."""
        self.prompt = request.prompt
        self.request_body = _capped_body(request, records=_SQL_RECORDS, max_chars=self.max_body_chars)

    def note_sql_response(self, response: SqlResponse) -> None:
        """The /v1/sql answer: status, intent, engine, statements."""
        self.status, self.intent = response.status, response.intent
        self.engine, self.model = response.engine, response.model
        self.statements = [statement.model_dump(mode="json") for statement in response.statements]

    def note_summary_request(self, request: SummaryRequest) -> None:
        """The parsed /v1/summary body (its plans are the input, there is no prompt)."""
        self.request_body = _capped_body(request, records=_SUMMARY_RECORDS, max_chars=self.max_body_chars)

    def note_summary_response(self, response: SummaryResponse) -> None:
        """The /v1/summary answer: the engine and the briefing."""
        self.status, self.engine, self.model = "ok", response.engine, response.model
        self.statements = None

    def finish(self) -> None:
        """Stop the clock."""
        self.latency_ms = (time.perf_counter() - self.started) * 1000

    @property
    def validation(self) -> str | None:
        """`passed`, `repaired` (rejected, then fixed by a repair call), `rejected`, or None (no SQL)."""
        rejected = any(call.status == "rejected" for call in self.calls)
        if self.error_code == "llm_invalid_output" or (rejected and self.http_status != 200):
            return "rejected"
        if rejected:
            return "repaired"
        return "passed" if self.statements else None

    def to_row(self, *, store_prompts: bool) -> dict[str, Any]:
        """The `request_log` row (prompt and records kept only when prompts are stored)."""
        usage = [call.usage for call in self.calls if call.usage is not None]
        prompt_hash = hashlib.sha256(self.prompt.encode()).hexdigest() if self.prompt is not None else None
        return {
            "request_id": self.request_id,
            "created_at": self.created_at,
            "key_id": self.key_id,
            "method": self.method[:10],
            "route": (self.route or self.path)[:200],
            "http_status": self.http_status or 0,
            "error_code": self.error_code[:64] if self.error_code else None,
            "error_message": self.error_message,
            "status": self.status,
            "intent": self.intent,
            "engine": self.engine,
            "model": self.model[:200] if self.model else None,
            "prompt": self.prompt if store_prompts else None,
            "prompt_sha256": prompt_hash,
            "prompt_chars": len(self.prompt) if self.prompt is not None else None,
            "request_body": self.request_body if store_prompts else None,
            "statements": self.statements,
            "validation": self.validation,
            "llm_calls": len(self.calls),
            "prompt_tokens": sum(u.prompt_tokens for u in usage),
            "completion_tokens": sum(u.completion_tokens for u in usage),
            "cached_tokens": sum(u.cached_tokens for u in usage),
            "latency_ms": round(self.latency_ms, 3),
            "llm_latency_ms": round(sum(call.latency_ms for call in self.calls), 3),
        }


def record_of(scope: Mapping[str, Any]) -> RequestRecord | None:
    """The record the request-context middleware attached to this request, if any."""
    state = scope.get("state")
    record = state.get("log") if isinstance(state, dict) else None
    return record if isinstance(record, RequestRecord) else None

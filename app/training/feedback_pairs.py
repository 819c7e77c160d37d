"""Verified pairs from production: executed and corrected feedback joined with the logged request.

Rules: a `corrected` feedback gives the corrected SQL (the newest one wins); an `executed` one
gives the request's own statements, unless the same request was also reported `undone` or
`failed`. `undone` and `failed` never become positives. A request whose prompt and records were
not stored (CALENDY_LOG_PROMPTS=redact) gives nothing. Every pair is validated again with
check_sql (static checks and the dry run on the logged records) before it is kept.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import Feedback, RequestLog
from app.errors import SqlRejected
from app.services.feedback import original_request
from app.sqlcheck import ClientSchema, check_sql
from app.training.pairs import Pair

NEGATIVE = frozenset({"undone", "failed"})


@dataclass
class FeedbackRow:
    """One feedback row with what its request logged."""

    request_id: str
    outcome: str
    corrected_sql: str | None
    corrected_statements: Any | None
    request_body: Any | None
    statements: Any | None


@dataclass
class FeedbackHarvest:
    """The pairs kept and, per reason, how many requests were left out."""

    pairs: list[Pair] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


async def load_feedback_rows(*, engine: AsyncEngine) -> list[FeedbackRow]:
    """Every feedback row with its request's body and statements, oldest first."""
    query = (
        select(
            Feedback.request_id, Feedback.outcome, Feedback.corrected_sql, Feedback.corrected_statements,
            RequestLog.request_body, RequestLog.statements,
        )
        .join(RequestLog, RequestLog.request_id == Feedback.request_id)
        # Orphaned feedback (no row of its key when it came) counts only if a row of the same key
        # turned up since (written late by another worker), never for another key's request.
        .where(or_(Feedback.orphaned.is_(False), RequestLog.key_id.is_not_distinct_from(Feedback.key_id)))
        .order_by(Feedback.id)
    )  # fmt: skip
    async with engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    return [FeedbackRow(**row._mapping) for row in rows]


def _sql_texts(statements: Any) -> list[str]:
    if not isinstance(statements, list):
        return []
    return [item["sql"] for item in statements if isinstance(item, dict) and isinstance(item.get("sql"), str)]


def _chosen(rows: list[FeedbackRow]) -> tuple[str, list[str]] | None:
    """The positive of one request's feedback rows: (source, statements), or None."""
    corrected = [row for row in rows if row.outcome == "corrected"]
    if corrected:
        row = corrected[-1]
        return "feedback:corrected", _sql_texts(row.corrected_statements) or [row.corrected_sql or ""]
    if any(row.outcome in NEGATIVE for row in rows) or not any(row.outcome == "executed" for row in rows):
        return None
    return "feedback:executed", _sql_texts(rows[0].statements)


def harvest_pairs(*, rows: list[FeedbackRow], schema: ClientSchema, max_steps: int) -> FeedbackHarvest:
    """Turn feedback rows into validated pairs (blocking: the dry runs are CPU work)."""
    harvest = FeedbackHarvest()
    by_request: dict[str, list[FeedbackRow]] = {}
    for row in rows:
        by_request.setdefault(row.request_id, []).append(row)
    for request_id, group in by_request.items():
        chosen = _chosen(group)
        if chosen is None:
            harvest.skipped["no positive outcome (undone, failed or none)"] += 1
            continue
        source, sql = chosen
        request = original_request(group[0].request_body)
        if request is None:
            harvest.skipped["request not stored (redacted)"] += 1
            continue
        if not [text for text in sql if text.strip()]:
            harvest.skipped["no statements"] += 1
            continue
        try:
            checked = check_sql(sql=sql, request=request, schema=schema, max_steps=max_steps)
        except SqlRejected:
            harvest.skipped["failed validation"] += 1
            continue
        request = request.model_copy(update={"engine": "auto"})
        pair = Pair(request=request, sql=[item.statement.sql for item in checked], source=f"{source}:{request_id}")
        harvest.pairs.append(pair)
    return harvest

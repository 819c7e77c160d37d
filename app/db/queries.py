"""Reading the request log back (`calendy logs`, feedback) and storing feedback."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from app.db.models import Feedback, LlmCallLog, RequestLog


@dataclass(frozen=True)
class LoggedRequest:
    """What feedback needs of an earlier request."""

    request_id: str
    key_id: str | None
    route: str
    request_body: Any | None


async def recent_requests(
    *, engine: AsyncEngine, limit: int = 20, key_id: str | None = None, errors_only: bool = False
) -> list[RequestLog]:
    """The newest request rows first."""
    query = select(RequestLog).order_by(RequestLog.created_at.desc(), RequestLog.request_id.desc()).limit(limit)
    if key_id is not None:
        query = query.where(RequestLog.key_id == key_id)
    if errors_only:
        query = query.where(RequestLog.http_status >= 400)
    async with async_sessionmaker(engine)() as session:
        return list((await session.scalars(query)).all())


async def request_with_calls(*, engine: AsyncEngine, request_id: str) -> tuple[RequestLog, list[LlmCallLog]] | None:
    """One request row and its LLM-call rows, or None."""
    async with async_sessionmaker(engine)() as session:
        row = await session.get(RequestLog, request_id)
        if row is None:
            return None
        calls = await session.scalars(
            select(LlmCallLog).where(LlmCallLog.request_id == request_id).order_by(LlmCallLog.call_index)
        )
        return row, list(calls.all())


async def find_logged_request(*, engine: AsyncEngine, request_id: str) -> LoggedRequest | None:
    """The request row feedback refers to, or None."""
    query = select(RequestLog.request_id, RequestLog.key_id, RequestLog.route, RequestLog.request_body).where(
        RequestLog.request_id == request_id
    )
    async with engine.connect() as connection:
        row = (await connection.execute(query)).first()
    if row is None:
        return None
    return LoggedRequest(request_id=row.request_id, key_id=row.key_id, route=row.route, request_body=row.request_body)


async def store_feedback(
    *,
    engine: AsyncEngine,
    request_id: str,
    key_id: str | None,
    outcome: str,
    error: str | None,
    corrected_sql: str | None,
    validation: str | None,
    corrected_statements: list[dict[str, Any]] | None,
    orphaned: bool = False,
) -> int:
    """Insert one feedback row; its id."""
    statement = (
        insert(Feedback)
        .values(
            request_id=request_id,
            key_id=key_id,
            created_at=datetime.now(UTC),
            outcome=outcome,
            error=error,
            corrected_sql=corrected_sql,
            validation=validation,
            corrected_statements=corrected_statements,
            orphaned=orphaned,
        )
        .returning(Feedback.id)
    )
    async with engine.begin() as connection:
        return int((await connection.execute(statement)).scalar_one())


async def feedback_for(*, engine: AsyncEngine, request_id: str) -> list[Feedback]:
    """Every feedback row of a request, oldest first."""
    query = select(Feedback).where(Feedback.request_id == request_id).order_by(Feedback.id)
    async with async_sessionmaker(engine)() as session:
        return list((await session.scalars(query)).all())

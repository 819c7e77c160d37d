"""Hosted plans and the Slack bot's shared state: compare-and-set documents, taken events, pending changes."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import HostedPlans, SlackEvent, SlackPending


@dataclass(frozen=True)
class PlansDocument:
    """One person's plans as read: the document and the version a write must still find."""

    document: dict[str, Any]
    version: int


async def load_plans(*, engine: AsyncEngine, team_id: str, user_id: str) -> PlansDocument:
    """The person's document, or an empty one at version 0 when they have none yet."""
    query = select(HostedPlans.document, HostedPlans.version).where(
        HostedPlans.team_id == team_id, HostedPlans.user_id == user_id
    )
    async with engine.connect() as connection:
        row = (await connection.execute(query)).first()
    if row is None:
        return PlansDocument(document={}, version=0)
    return PlansDocument(document=dict(row.document), version=int(row.version))


async def save_plans(
    *, engine: AsyncEngine, team_id: str, user_id: str, document: dict[str, Any], expected_version: int
) -> bool:
    """Write the document if the stored version is still `expected_version`; False if it changed meanwhile."""
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        if expected_version == 0:
            # A person's first write: the primary key lets exactly one of two first writers in.
            try:
                await connection.execute(
                    insert(HostedPlans).values(
                        team_id=team_id, user_id=user_id, version=1, document=document, updated_at=now
                    )
                )
            except IntegrityError:
                return False
            return True
        result = await connection.execute(
            update(HostedPlans)
            .where(
                HostedPlans.team_id == team_id,
                HostedPlans.user_id == user_id,
                HostedPlans.version == expected_version,
            )
            .values(version=expected_version + 1, document=document, updated_at=now)
        )
        return result.rowcount == 1


async def take_event(
    *,
    engine: AsyncEngine,
    event_id: str,
    retry: bool = False,
    stale_after: timedelta = timedelta(minutes=2),
    keep: timedelta = timedelta(days=1),
) -> bool:
    """True for the worker that may run `event_id`: the first to take it, or a Slack retry of a stale claim.

    A claim is stale when it is older than `stale_after` and not marked done (`finish_event`): its
    worker died after taking it. Only a retry (X-Slack-Retry-Num) may re-take it, by a conditional
    update, so of two retries on two workers one wins.
    """
    now = datetime.now(UTC)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(SlackEvent).values(event_id=event_id, received_at=now))
    except IntegrityError:
        if not retry:
            return False
        async with engine.begin() as connection:
            result = await connection.execute(
                update(SlackEvent)
                .where(
                    SlackEvent.event_id == event_id,
                    SlackEvent.done_at.is_(None),
                    SlackEvent.received_at < now - stale_after,
                )
                .values(received_at=now)
            )
        return result.rowcount == 1
    # Slack retries for minutes, not days: older ids can go (cheap, indexed).
    async with engine.begin() as connection:
        await connection.execute(delete(SlackEvent).where(SlackEvent.received_at < now - keep))
    return True


async def finish_event(*, engine: AsyncEngine, event_id: str) -> None:
    """Mark a taken event's work finished: no retry re-runs it, however late."""
    async with engine.begin() as connection:
        await connection.execute(
            update(SlackEvent).where(SlackEvent.event_id == event_id).values(done_at=datetime.now(UTC))
        )


@dataclass(frozen=True)
class Pending:
    """A change waiting for its requester's click."""

    id: str
    team_id: str
    user_id: str
    channel: str
    thread_ts: str | None
    prompt: str
    answer: dict[str, Any]
    expires_at: datetime
    state: str = "pending"

    def expired(self, now: datetime) -> bool:
        """True once Confirm can no longer run it (SQLite gives the stamp back without its zone)."""
        expires = self.expires_at if self.expires_at.tzinfo else self.expires_at.replace(tzinfo=UTC)
        return expires <= now


async def store_pending(*, engine: AsyncEngine, pending: Pending) -> None:
    """Keep a held change until it is confirmed, cancelled or expired."""
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        await connection.execute(delete(SlackPending).where(SlackPending.expires_at < now - timedelta(days=1)))
        await connection.execute(
            insert(SlackPending).values(
                id=pending.id,
                team_id=pending.team_id,
                user_id=pending.user_id,
                channel=pending.channel,
                thread_ts=pending.thread_ts,
                prompt=pending.prompt,
                answer=pending.answer,
                state="pending",
                created_at=now,
                expires_at=pending.expires_at,
            )
        )


async def find_pending(*, engine: AsyncEngine, pending_id: str) -> Pending | None:
    """The held change with this id, whatever its state."""
    query = select(SlackPending).where(SlackPending.id == pending_id)
    async with engine.connect() as connection:
        row = (await connection.execute(query)).first()
    if row is None:
        return None
    return Pending(
        id=row.id,
        team_id=row.team_id,
        user_id=row.user_id,
        channel=row.channel,
        thread_ts=row.thread_ts,
        prompt=row.prompt,
        answer=dict(row.answer),
        expires_at=row.expires_at,
        state=row.state,
    )


async def claim_pending(*, engine: AsyncEngine, pending_id: str, user_id: str, state: str) -> bool:
    """Move a pending, unexpired change of `user_id` to `state`; True for the one click that did it."""
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        result = await connection.execute(
            update(SlackPending)
            .where(
                and_(
                    SlackPending.id == pending_id,
                    SlackPending.user_id == user_id,
                    SlackPending.state == "pending",
                    SlackPending.expires_at > now,
                )
            )
            .values(state=state)
        )
        return result.rowcount == 1

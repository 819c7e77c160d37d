"""Hosted plans: one person's rows from the service's database, a command on them in memory, a checked write-back."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from app.client.plans import PlanStore
from app.client.service import ServiceClient
from app.client.session import ClientSession, Outcome
from app.db.hosted_store import load_plans, save_plans

Action = Callable[[ClientSession], Awaitable[Outcome]]
CONFLICT_TEXT = "Your plans changed while this command ran; nothing was changed. Please send it again."


@dataclass(frozen=True)
class Person:
    """Whose plans: a Slack team and user."""

    team_id: str
    user_id: str


class HostedPlans:
    """Runs client-core actions on people's plans kept in the service's database."""

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        service: ServiceClient,
        schema_sql: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.service = service
        self.schema_sql = schema_sql
        self.clock = clock

    async def run(self, person: Person, action: Action, *, time_zone: str | None = None) -> Outcome:
        """Load, act, write back if changed; on a concurrent write retry once, then say so (nothing lost)."""
        for _attempt in range(2):
            stored = await load_plans(engine=self.engine, team_id=person.team_id, user_id=person.user_id)
            store = PlanStore(path=":memory:", schema_sql=self.schema_sql)
            try:
                await asyncio.to_thread(store.load, stored.document)
                # Compared after a round trip through the store, so an untouched document is not rewritten.
                baseline = await asyncio.to_thread(store.dump)
                session = ClientSession(
                    store=store, service=self.service, time_zone=time_zone, clock=self.clock, defer_feedback=True
                )
                outcome = await action(session)
                document = await asyncio.to_thread(store.dump)
            finally:
                store.close()
            if document == baseline or await save_plans(
                engine=self.engine,
                team_id=person.team_id,
                user_id=person.user_id,
                document=document,
                expected_version=stored.version,
            ):
                await session.flush_feedback()
                return outcome
            # Someone else's write got in between: this attempt's result is dropped, not written.
        return Outcome(kind="error", text=CONFLICT_TEXT)

    async def records(self, person: Person) -> dict[str, list[dict[str, object]]]:
        """The person's plan rows as stored (for tests and operators)."""
        stored = await load_plans(engine=self.engine, team_id=person.team_id, user_id=person.user_id)
        return stored.document

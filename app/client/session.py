"""One person's conversation: a command → the service → statements run on their plans, held, undone."""

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from app.client.plans import PlanError, PlanStore
from app.client.service import ServiceClient

OutcomeKind = Literal["changed", "pending", "rows", "summary", "message", "help", "undone", "cancelled", "error"]
# A not_understood input that reads like a question about the product goes to /v1/help instead.
_QUESTION = re.compile(
    r"[?？]|어떻게|뭐야|뭐예요|뭔가요|무엇|알려줘|방법|가능해|할 수 있|\b(how|what|why|can i|help)\b", re.IGNORECASE
)


def looks_like_question(text: str) -> bool:
    """True when the text asks something (a question mark, 어떻게, 뭐야, how, what…)."""
    return _QUESTION.search(text) is not None


@dataclass
class Outcome:
    """What a person sees after one input."""

    kind: OutcomeKind
    text: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    # The guide sections a help answer rests on: {"title", "url"}.
    links: list[dict[str, str]] = field(default_factory=list)
    # A change's rows after it (added and updated ones; deleted ones are only in `rows`).
    after: list[dict[str, Any]] = field(default_factory=list)
    # The request id of a change or a held one (what an Undo button names).
    request_id: str | None = None
    # A held change's /v1/sql answer: what runs when it is confirmed (apply_held).
    answer: dict[str, Any] | None = None
    # The /v1/sql status of a message outcome (`not_understood`, `no_such_plan`).
    status: str | None = None


@dataclass
class _Pending:
    prompt: str
    answer: dict[str, Any]


class ClientSession:
    """Does what the mobile client does for one person's PlanStore."""

    def __init__(
        self,
        *,
        store: PlanStore,
        service: ServiceClient,
        time_zone: str | None = None,
        clock: Callable[[], datetime] | None = None,
        defer_feedback: bool = False,
    ) -> None:
        self.store = store
        self.clock = clock
        self.service = service
        self.zone = ZoneInfo(time_zone) if time_zone else None
        self.pending: _Pending | None = None
        # Hosted plans report an outcome only once its rows are written back (flush_feedback).
        self.deferred: list[dict[str, Any]] | None = [] if defer_feedback else None

    def now(self) -> str:
        """The person's own wall-clock time, as `now` is sent."""
        moment = self.clock() if self.clock else datetime.now(self.zone)
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    async def _feedback(self, request_id: str | None, outcome: str, error: str | None = None) -> None:
        if request_id:
            body: dict[str, Any] = {"request_id": request_id, "outcome": outcome}
            if error:
                body["error"] = error[:500]
            if self.deferred is not None:
                self.deferred.append(body)
            else:
                await self.service.feedback(body)

    async def flush_feedback(self) -> None:
        """Send the outcomes held back while the plans were not yet written."""
        held, self.deferred = self.deferred or [], []
        for body in held:
            await self.service.feedback(body)

    async def command(self, prompt: str) -> Outcome:
        """Send one command and act on the answer (held when it needs confirmation)."""
        records = await asyncio.to_thread(self.store.records)
        history = await asyncio.to_thread(self.store.history)
        body = {"prompt": prompt, "now": self.now(), **records, "history": history}
        answer = await self.service.sql(body)
        if answer["status"] == "not_understood" and looks_like_question(prompt):
            return await self._help(prompt)
        if answer["status"] != "ok":
            return Outcome(kind="message", text=answer.get("message") or answer["status"], status=answer["status"])
        if answer["intent"] in ("select", "summary"):
            return await self._read(answer)
        if answer["needs_confirmation"]:
            self.pending = _Pending(prompt=prompt, answer=answer)
            rows = await self._preview(answer["statements"])
            return Outcome(
                kind="pending",
                rows=rows,
                statements=answer["statements"],
                answer=answer,
                request_id=answer.get("request_id"),
            )
        return await self._apply(prompt, answer)

    async def _help(self, question: str) -> Outcome:
        found = await self.service.help({"question": question[:1000]})
        links = [{"title": source["title"], "url": source["url"]} for source in found.get("sources", [])]
        return Outcome(kind="help", text=found["answer"], links=links)

    async def _preview(self, statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for statement in statements:
            if statement.get("preview_sql"):
                rows += await asyncio.to_thread(self.store.select, statement["preview_sql"])
        return rows

    async def _apply(self, prompt: str, answer: dict[str, Any]) -> Outcome:
        request_id = answer.get("request_id")
        try:
            applied = await asyncio.to_thread(
                self.store.apply, statements=answer["statements"], prompt=prompt, request_id=request_id
            )
        except PlanError as exc:
            await self._feedback(request_id, "failed", str(exc))
            return Outcome(kind="error", text=str(exc), statements=answer["statements"])
        await self._feedback(request_id, "executed")
        before = [row for step in applied.steps for row in step.before]
        after: list[dict[str, Any]] = []
        for step in applied.steps:
            touched = [*step.inserted, *(row["id"] for row in step.before if "id" in row)]
            after += await asyncio.to_thread(self.store.rows_by_id, step.table, touched)
        return Outcome(kind="changed", rows=before, after=after, statements=answer["statements"], request_id=request_id)

    async def _read(self, answer: dict[str, Any]) -> Outcome:
        rows: list[dict[str, Any]] = []
        plans: list[dict[str, Any]] = []
        categories = {c["id"]: c["title"] for c in await asyncio.to_thread(self.store.select, "SELECT * FROM CATEGORY")}
        for statement in answer["statements"]:
            found = await asyncio.to_thread(self.store.select, statement["sql"])
            rows += found
            kind = "todo" if statement["table"].upper() == "TODO" else "schedule"
            if statement["table"].upper() in ("TODO", "SCHEDULE"):
                plans += [_plan(kind, row, categories) for row in found if "id" in row and "title" in row]
        await self._feedback(answer.get("request_id"), "executed")
        if answer["intent"] != "summary":
            return Outcome(kind="rows", rows=rows, statements=answer["statements"])
        briefing = await self.service.summary({"now": self.now(), "plans": plans})
        return Outcome(kind="summary", text=briefing["summary"], rows=rows, statements=answer["statements"])

    async def confirm(self) -> Outcome:
        """Run the held change."""
        if self.pending is None:
            return Outcome(kind="message", text="Nothing is waiting for confirmation.")
        pending, self.pending = self.pending, None
        return await self._apply(pending.prompt, pending.answer)

    async def apply_held(self, *, prompt: str, answer: dict[str, Any]) -> Outcome:
        """Run a change held elsewhere (a Slack Confirm button) as confirm() runs its own."""
        return await self._apply(prompt, answer)

    def cancel(self) -> Outcome:
        """Drop the held change; nothing runs."""
        had, self.pending = self.pending, None
        return Outcome(kind="cancelled", text="Cancelled." if had else "Nothing is waiting for confirmation.")

    async def undo(self, *, request_id: str | None = None) -> Outcome:
        """Restore the rows before the last command (only if it is `request_id`'s) and report it undone."""
        try:
            undone = await asyncio.to_thread(self.store.undo_last, request_id=request_id)
        except PlanError as exc:
            return Outcome(kind="error", text=str(exc))
        if undone is None:
            text = "Nothing to undo." if request_id is None else "Only your latest change can be undone."
            return Outcome(kind="message", text=text)
        prompt, request_id = undone
        await self._feedback(request_id, "undone")
        return Outcome(kind="undone", text=prompt)


def _plan(kind: str, row: dict[str, Any], categories: dict[int, str]) -> dict[str, Any]:
    """A selected row as /v1/summary takes it."""
    plan = {k: v for k, v in row.items() if k != "category_id"}
    plan["kind"] = kind
    plan["category"] = categories.get(row.get("category_id") or -1)
    if "complete" in plan:
        plan["complete"] = bool(plan["complete"])
    return plan

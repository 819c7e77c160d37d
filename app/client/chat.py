"""`calendy chat`: the client core in a terminal, on a local SQLite file of plans."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from app.client.plans import PlanStore
from app.client.service import ServiceClient, ServiceError, in_process_service, remote_service
from app.client.session import ClientSession, Outcome
from app.settings import Settings

HELP = "Type a command (e.g. 내일 8시 알골 과제 추가). /list /today /week /undo /help /quit"
_COLUMNS = ("id", "title", "due_time", "start_time", "end_time", "complete", "category_id")


def _table(rows: list[dict[str, Any]], title: str | None = None) -> Table:
    """Rows as a small table, with only the columns they have."""
    columns = [name for name in _COLUMNS if any(name in row for row in rows)]
    table = Table(title=title)
    for name in columns:
        table.add_column(name)
    for row in rows:
        table.add_row(*("" if row.get(name) is None else str(row.get(name)) for name in columns))
    return table


def _between(store: PlanStore, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Todos due and schedules starting in [start, end)."""
    low, high = start.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S")
    todos = store.select(f"SELECT * FROM TODO WHERE due_time >= '{low}' AND due_time < '{high}' ORDER BY due_time")
    schedules = store.select(
        f"SELECT * FROM SCHEDULE WHERE start_time >= '{low}' AND start_time < '{high}' ORDER BY start_time"
    )
    return todos + schedules


@asynccontextmanager
async def open_service(*, settings: Settings, url: str | None, api_key: str | None) -> AsyncIterator[ServiceClient]:
    """The remote service at `url`, else the service in this process (keys off: nothing listens)."""
    if url:
        async with remote_service(url=url, api_key=api_key) as client:
            yield client
        return
    from app.db.migrate import upgrade_database
    from app.main import create_app

    local = settings.model_copy(update={"auth_disabled": True})
    if local.db_auto_migrate:
        await asyncio.to_thread(upgrade_database, local)
    async with in_process_service(create_app(settings=local)) as client:
        yield client


class Chat:
    """The read-eval-print loop over one ClientSession."""

    def __init__(self, *, session: ClientSession, console: Console) -> None:
        self.session = session
        self.console = console

    def show(self, outcome: Outcome) -> None:
        """Print what happened."""
        if outcome.kind == "changed":
            self.console.print(f"✅ done ({len(outcome.statements)} statement(s))")
            for statement in outcome.statements:
                self.console.print(f"   {statement['sql']}", markup=False)
        elif outcome.kind == "rows":
            self.console.print(_table(outcome.rows) if outcome.rows else "(no plans)")
        elif outcome.kind == "summary":
            self.console.print(outcome.text, markup=False)
        elif outcome.kind == "undone":
            self.console.print(f"↩ undone: {outcome.text}", markup=False)
        elif outcome.kind == "help":
            self.console.print(f"💡 {outcome.text}", markup=False)
            for link in outcome.links:
                self.console.print(f"   {link['title']}: {link['url']}", markup=False)
        elif outcome.kind == "error":
            self.console.print(f"❌ {outcome.text}", markup=False)
        else:
            self.console.print(outcome.text, markup=False)

    async def ask_confirmation(self, outcome: Outcome) -> Outcome:
        """Show the rows a held change touches and ask before running it."""
        self.console.print(f"⚠ this changes {len(outcome.rows)} plan(s):")
        self.console.print(_table(outcome.rows))
        answer = await asyncio.to_thread(input, "Confirm? [y/N] ")
        if answer.strip().lower() in ("y", "yes", "네", "예", "ㅇ"):
            return await self.session.confirm()
        return self.session.cancel()

    async def handle(self, line: str) -> bool:
        """Act on one input line; False ends the chat."""
        text = line.strip()
        store = self.session.store
        now = datetime.fromisoformat(self.session.now())
        today = now.replace(hour=0, minute=0, second=0)
        if not text:
            return True
        if text in ("/quit", "/exit"):
            return False
        if text == "/help":
            self.console.print(HELP)
        elif text == "/undo":
            self.show(await self.session.undo())
        elif text == "/list":
            rows = store.select("SELECT * FROM TODO ORDER BY due_time") + store.select(
                "SELECT * FROM SCHEDULE ORDER BY start_time"
            )
            self.console.print(_table(rows, "all plans") if rows else "(no plans)")
        elif text == "/today":
            self.console.print(_table(_between(store, today, today + timedelta(days=1)), "today"))
        elif text == "/week":
            monday = today - timedelta(days=today.weekday())
            self.console.print(_table(_between(store, monday, monday + timedelta(days=7)), "this week"))
        else:
            try:
                outcome = await self.session.command(text)
                if outcome.kind == "pending":
                    outcome = await self.ask_confirmation(outcome)
            except ServiceError as exc:
                outcome = Outcome(kind="error", text=f"the service could not answer: {exc.code} {exc.message}")
            self.show(outcome)
        return True


async def run_chat(
    *, settings: Settings, db: Path, url: str | None, api_key: str | None, time_zone: str | None
) -> None:
    """Read commands until /quit or end of input."""
    # No highlighting: numbers stay plain text, as a pipe or a test reads them.
    console = Console(highlight=False)
    store = PlanStore(path=db, schema_sql=(settings.prompts_dir / "schema.sql").read_text(encoding="utf-8"))
    try:
        async with open_service(settings=settings, url=url, api_key=api_key) as service:
            chat = Chat(session=ClientSession(store=store, service=service, time_zone=time_zone), console=console)
            console.print(HELP)
            while True:
                try:
                    line = await asyncio.to_thread(input, "calendy> ")
                except EOFError:
                    break
                if not await chat.handle(line):
                    break
    finally:
        store.close()

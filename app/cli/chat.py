"""`calendy chat`: manage your plans by typing commands (the client core in app/client)."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from app.settings import get_settings


def chat(
    db: Annotated[
        Path | None, typer.Option(help="SQLite file of your plans (default: plans.db in the data dir).")
    ] = None,
    url: Annotated[str | None, typer.Option(help="A running service (default: the service in this process).")] = None,
    api_key: Annotated[
        str | None, typer.Option(envvar="CALENDY_API_KEY", help="API key of the service at --url.")
    ] = None,
    tz: Annotated[str | None, typer.Option(help="Your time zone, e.g. Asia/Seoul (default: this machine's).")] = None,
) -> None:
    """Manage your plans by typing commands: confirmation before bulk changes, /undo, /list, /today, /week."""
    from app.client.chat import run_chat

    settings = get_settings()
    asyncio.run(
        run_chat(settings=settings, db=db or settings.data_dir / "plans.db", url=url, api_key=api_key, time_zone=tz)
    )

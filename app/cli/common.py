"""Helpers every `calendy` command group shares: the error exit, a run on the service's database."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.connection import build_engine
from app.db.migrate import current_revision, head_revision, upgrade_database
from app.settings import Settings

T = TypeVar("T")


def fail(message: str, details: list[str] | None = None) -> typer.Exit:
    """Print an error (and its details) to stderr; the Exit(1) to raise."""
    typer.secho(f"calendy: {message}", err=True, fg="red")
    for line in details or []:
        typer.echo(f"  {line}", err=True)
    return typer.Exit(1)


def with_engine(settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]], *, migrated: bool = True) -> T:
    """Run `work` on the database; with `migrated`, migrate first (CALENDY_DB_AUTO_MIGRATE) or insist."""
    if migrated and settings.db_auto_migrate:
        upgrade_database(settings)

    async def run() -> T:
        engine = build_engine(settings)
        try:
            if migrated and (await current_revision(engine)) != head_revision():
                typer.echo("calendy: the database is not migrated: run `calendy db upgrade`", err=True)
                raise typer.Exit(1)
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())

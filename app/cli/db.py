"""`calendy db`: the service's own database (migrations, its revision)."""

from typing import Annotated

import typer

from app.cli.common import with_engine
from app.db.connection import database_url, display_url
from app.db.migrate import current_revision, head_revision, upgrade_database, upgrade_sql
from app.settings import get_settings

db_app = typer.Typer(help="The service's own database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
    sql: Annotated[bool, typer.Option("--sql", help="Print the SQL instead of running it (offline).")] = False,
) -> None:
    """Apply the migrations (CALENDY_DATABASE_URL, else the SQLite file in CALENDY_DATA_DIR)."""
    settings = get_settings()
    if sql:
        upgrade_sql(settings, revision=revision)
        return
    upgrade_database(settings, revision=revision)
    typer.echo(f"database {display_url(database_url(settings))} is at {revision} ({head_revision()})")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the newest one."""
    settings = get_settings()
    revision = with_engine(settings, current_revision, migrated=False)
    typer.echo(f"database {display_url(database_url(settings))}: at {revision or 'none'}, newest {head_revision()}")

"""`calendy db`, `calendy keys` and `calendy logs`: the operator's commands."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import build_engine, database_url, display_url
from app.db.keys import create_api_key, list_api_keys, revoke_api_key
from app.db.migrate import current_revision, head_revision, upgrade_database, upgrade_sql
from app.db.queries import feedback_for, recent_requests, request_with_calls
from app.ops.logrows import LOG_HEADER, LOG_WIDTHS, call_dict, feedback_dict, request_dict, request_line
from app.ops.retention import parse_age, prune_request_log
from app.settings import Settings, get_settings

T = TypeVar("T")

db_app = typer.Typer(help="The service's own database.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)
logs_app = typer.Typer(help="The request log: list it (no subcommand), or prune it.")


def _with_engine(settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]], *, migrated: bool = True) -> T:
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
    revision = _with_engine(settings, current_revision, migrated=False)
    typer.echo(f"database {display_url(database_url(settings))}: at {revision or 'none'}, newest {head_revision()}")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="Who or what the key is for.")],
    rate_limit: Annotated[
        int | None, typer.Option(help="Requests per minute for this key (default: CALENDY_RATE_LIMIT_PER_MINUTE).")
    ] = None,
) -> None:
    """Create a key and print it: it is shown this once, only its hash is stored."""
    new = _with_engine(
        get_settings(), lambda engine: create_api_key(engine=engine, name=name, rate_limit_per_minute=rate_limit)
    )
    typer.echo(new.secret)
    typer.echo(f"key id {new.info.id} ({name}); store the key now, it cannot be shown again", err=True)


@keys_app.command("list")
def keys_list() -> None:
    """List keys: id, name, creation, revocation, rate limit (never the keys themselves)."""
    keys = _with_engine(get_settings(), lambda engine: list_api_keys(engine=engine))
    table = Table("id", "name", "created", "revoked", "rate limit/min")
    for key in keys:
        table.add_row(
            key.id,
            key.name,
            key.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            key.revoked_at.strftime("%Y-%m-%d %H:%M:%S") if key.revoked_at else "",
            "default" if key.rate_limit_per_minute is None else str(key.rate_limit_per_minute),
        )
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (from `calendy keys list`).")]) -> None:
    """Revoke a key (running servers stop accepting it within CALENDY_KEY_CACHE_S seconds)."""
    settings = get_settings()
    if not _with_engine(settings, lambda engine: revoke_api_key(engine=engine, key_id=key_id)):
        typer.echo(f"calendy: no active key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id} (cached lookups expire within {settings.key_cache_s:g} s)")


@logs_app.callback(invoke_without_command=True)
def logs_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many rows.")] = 20,
    key: Annotated[str | None, typer.Option(help="Only this key id's requests.")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="Only requests answered with an error.")] = False,
    request_id: Annotated[
        str | None, typer.Option("--request", help="One request in full, LLM calls included.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List the newest requests of the request log (or one request in full)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = get_settings()
    if request_id is not None:
        _show_request(settings, request_id)
        return
    rows = _with_engine(
        settings, lambda engine: recent_requests(engine=engine, limit=limit, key_id=key, errors_only=errors)
    )
    if as_json:
        for row in rows:
            typer.echo(json.dumps(request_dict(row), ensure_ascii=False, default=str))
        return
    # Plain aligned columns, not a boxed table: the output is grepped and piped as often as read.
    for line in [LOG_HEADER, *(request_line(row) for row in rows)]:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(line, LOG_WIDTHS, strict=True)).rstrip())


def _show_request(settings: Settings, request_id: str) -> None:
    async def load(engine: AsyncEngine) -> dict[str, Any] | None:
        found = await request_with_calls(engine=engine, request_id=request_id)
        if found is None:
            return None
        row, calls = found
        feedback = await feedback_for(engine=engine, request_id=request_id)
        return {
            **request_dict(row),
            "llm_calls_detail": [call_dict(call) for call in calls],
            "feedback": [feedback_dict(item) for item in feedback],
        }

    shown = _with_engine(settings, load)
    if shown is None:
        typer.echo(f"calendy: no request {request_id}", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(shown, ensure_ascii=False, indent=2, default=str))


@logs_app.command("prune")
def logs_prune(
    older_than: Annotated[str, typer.Option(help="Delete rows older than this: 30d, 12h, 90m.")],
) -> None:
    """Delete request-log rows (and their LLM calls) older than --older-than; feedback is kept."""
    try:
        age = parse_age(older_than)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--older-than") from exc
    before = datetime.now(UTC) - age
    pruned = _with_engine(get_settings(), lambda engine: prune_request_log(engine=engine, before=before))
    cutoff = f"{before:%Y-%m-%d %H:%M:%S} UTC"
    typer.echo(f"deleted {pruned.requests} requests and {pruned.calls} LLM calls older than {cutoff}")

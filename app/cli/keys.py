"""`calendy keys`: API keys (shown once, stored hashed)."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.cli.common import with_engine
from app.db.keys import create_api_key, list_api_keys, revoke_api_key
from app.settings import get_settings

keys_app = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="Who or what the key is for.")],
    rate_limit: Annotated[
        int | None, typer.Option(help="Requests per minute for this key (default: CALENDY_RATE_LIMIT_PER_MINUTE).")
    ] = None,
) -> None:
    """Create a key and print it: it is shown this once, only its hash is stored."""
    new = with_engine(
        get_settings(), lambda engine: create_api_key(engine=engine, name=name, rate_limit_per_minute=rate_limit)
    )
    typer.echo(new.secret)
    typer.echo(f"key id {new.info.id} ({name}); store the key now, it cannot be shown again", err=True)


@keys_app.command("list")
def keys_list() -> None:
    """List keys: id, name, creation, revocation, rate limit (never the keys themselves)."""
    keys = with_engine(get_settings(), lambda engine: list_api_keys(engine=engine))
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
    if not with_engine(settings, lambda engine: revoke_api_key(engine=engine, key_id=key_id)):
        typer.echo(f"calendy: no active key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id} (cached lookups expire within {settings.key_cache_s:g} s)")

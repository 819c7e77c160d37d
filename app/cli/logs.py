"""`calendy logs`: list the request log, show one request in full, prune it."""

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from app.cli.common import with_engine
from app.db.queries import feedback_for, recent_requests, request_with_calls
from app.ops.logrows import LOG_HEADER, LOG_WIDTHS, call_dict, feedback_dict, request_dict, request_line
from app.ops.retention import parse_age, prune_request_log
from app.settings import Settings, get_settings

logs_app = typer.Typer(help="The request log: list it (no subcommand), or prune it.")


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
    rows = with_engine(
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

    shown = with_engine(settings, load)
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
    pruned = with_engine(get_settings(), lambda engine: prune_request_log(engine=engine, before=before))
    cutoff = f"{before:%Y-%m-%d %H:%M:%S} UTC"
    typer.echo(f"deleted {pruned.requests} requests and {pruned.calls} LLM calls older than {cutoff}")

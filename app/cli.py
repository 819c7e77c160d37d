"""The `calendy` command: serve the API, ask one command in-process, and the operator's commands."""

import asyncio
import json
import logging.config
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from ulid import ULID

from app.errors import AppError
from app.evaluation.command import eval_command
from app.evaluation.help_eval import eval_help_command
from app.ops.cli import db_app, keys_app, logs_app
from app.ops.llmcall import CallRecorder
from app.ops.logs import logging_config
from app.runtime import build_runtime
from app.schemas import TIME_FORMAT, SqlRequest
from app.services.commands import convert_command
from app.settings import get_settings
from app.training.dataset_cli import dataset_app
from app.training.docs_synth_cli import synth_docs_command
from app.training.finetune_cli import finetune_app
from app.training.models_cli import models_app
from app.training.synth_cli import synth_app

cli = typer.Typer(help="Calendy Manager: natural-language calendar commands to safe SQLite SQL.", no_args_is_help=True)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    log_level: Annotated[str | None, typer.Option(help="Log level (default: CALENDY_LOG_LEVEL).")] = None,
    graceful_timeout: Annotated[
        int, typer.Option(help="Seconds in-flight requests get to finish after SIGTERM/SIGINT.")
    ] = 30,
) -> None:
    """Run the HTTP API with uvicorn (settings from the environment and .env)."""
    import uvicorn

    from app.db.migrate import upgrade_database
    from app.ops.connections import uvicorn_limits
    from app.ops.serving import WorkerSupervisor, reuse_port_supported

    settings = get_settings()
    if log_level:
        settings = settings.model_copy(update={"log_level": log_level.upper()})
    if settings.auth_disabled:
        typer.secho(
            "calendy: WARNING: AUTHENTICATION IS DISABLED (CALENDY_AUTH_DISABLED=true): "
            "/v1 answers anyone, with no rate limit",
            err=True,
            fg="red",
            bold=True,
        )
    if not settings.llm_configured:
        typer.echo("calendy: no LLM configured: the local engine answers alone", err=True)
    if settings.db_auto_migrate:
        # Once here, before the workers start; each worker then finds the schema current.
        upgrade_database(settings)
    config: dict[str, Any] = {
        "app": "app.main:create_app",
        "factory": True,
        "log_config": logging_config(settings),
        "log_level": settings.log_level.lower(),
        "access_log": False,
        "timeout_graceful_shutdown": graceful_timeout,
        # Keep-alive, header deadline, concurrency and header size (CALENDY_HTTP_*).
        **uvicorn_limits(settings),
    }
    if workers > 1 and reuse_port_supported():
        logging.config.dictConfig(config["log_config"])
        try:
            supervisor = WorkerSupervisor(
                config=config, host=host, port=port, workers=workers, graceful_timeout_s=graceful_timeout
            )
        except OSError as exc:
            typer.secho(f"calendy: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True, fg="red")
            raise typer.Exit(1) from exc
        raise typer.Exit(supervisor.run())
    uvicorn.run(**config, host=host, port=port, workers=workers)


def _print(body: dict[str, Any]) -> None:
    typer.echo(json.dumps(body, ensure_ascii=False, indent=2))


async def _ask(body: dict[str, Any]) -> dict[str, Any]:
    runtime = build_runtime(get_settings())
    try:
        request = SqlRequest.model_validate(body)
        response = await convert_command(
            runtime=runtime, request=request, request_id=str(ULID()), recorder=CallRecorder()
        )
        return response.model_dump(mode="json")
    finally:
        await runtime.aclose()


@cli.command()
def ask(
    prompt: Annotated[str, typer.Argument(help="The command, e.g. '내일 8시 알골 과제 추가'.")],
    now: Annotated[str | None, typer.Option(help="Client time 'YYYY-MM-DD HH:MM:SS' (default: now).")] = None,
    context: Annotated[
        Path | None, typer.Option(help="JSON file with categories/todos/schedules/history, as in a request.")
    ] = None,
    engine: Annotated[str, typer.Option(help="auto, local or llm.")] = "auto",
) -> None:
    """Answer one command in-process and print the response as the API would."""
    body: dict[str, Any] = {}
    if context is not None:
        try:
            body = json.loads(context.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            typer.echo(f"calendy: cannot read {context}: {exc}", err=True)
            raise typer.Exit(2) from exc
    body.update(prompt=prompt, now=now or datetime.now().strftime(TIME_FORMAT), engine=engine)
    try:
        _print(asyncio.run(_ask(body)))
    except ValidationError as exc:
        fields = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        _print({"error": {"code": "invalid_request", "message": "invalid request", "details": fields}})
        raise typer.Exit(1) from exc
    except AppError as exc:
        _print({"error": {"code": exc.code, "message": exc.message, "details": exc.details}})
        raise typer.Exit(1) from exc


@cli.command()
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


cli.command("eval")(eval_command)
cli.command("eval-help")(eval_help_command)
cli.add_typer(db_app, name="db")
cli.add_typer(keys_app, name="keys")
cli.add_typer(logs_app, name="logs")
cli.add_typer(dataset_app, name="dataset")
cli.add_typer(finetune_app, name="finetune")
cli.add_typer(models_app, name="models")
synth_app.command("docs")(synth_docs_command)
cli.add_typer(synth_app, name="synth")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="calendy")


if __name__ == "__main__":
    main()

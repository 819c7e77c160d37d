"""`calendy serve`: the HTTP API under uvicorn, one process or several workers."""

import logging.config
from typing import Annotated, Any

import typer

from app.ops.structured_logs import logging_config
from app.settings import get_settings


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

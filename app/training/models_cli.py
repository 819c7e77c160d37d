"""`calendy models list|use`: which model the service answers with (stored in the database)."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.active_model import get_active_model
from app.ops.cli import _with_engine
from app.settings import get_settings
from app.training.dataset_cli import fail
from app.training.jobs_db import list_models, set_active_model

models_app = typer.Typer(help="The model the service answers with.", no_args_is_help=True)


@models_app.command("list")
def models_list() -> None:
    """The base model and every fine-tuned one; the served one is marked with *."""
    settings = get_settings()

    async def load(engine: AsyncEngine) -> tuple[str | None, list[tuple[str, str, str, str]]]:
        rows = await list_models(engine=engine)
        described = [
            (row.model, row.base_model, row.job_id, ", ".join(f"{k}={v}" for k, v in (row.metrics or {}).items()))
            for row in rows
        ]
        return await get_active_model(engine=engine), described

    active, rows = _with_engine(settings, load)
    table = Table("", "model", "base", "job", "metrics")
    table.add_row("*" if active is None else "", settings.llm_model, "(CALENDY_LLM_MODEL)", "", "")
    for model, base, job, metrics in rows:
        table.add_row("*" if model == active else "", model, base, job, metrics)
    Console(width=200).print(table)


@models_app.command("use")
def models_use(
    model: Annotated[str | None, typer.Argument(help="A fine-tuned model from `calendy models list`.")] = None,
    base: Annotated[bool, typer.Option("--base", help="Go back to CALENDY_LLM_MODEL.")] = False,
) -> None:
    """Serve MODEL from now on (running services switch within CALENDY_ACTIVE_MODEL_REFRESH_S)."""
    settings = get_settings()
    if base == (model is not None):
        raise fail("give either a MODEL or --base")

    async def choose(engine: AsyncEngine) -> bool:
        if model is not None and model not in {row.model for row in await list_models(engine=engine)}:
            return False
        await set_active_model(engine=engine, model=model)
        return True

    if not _with_engine(settings, choose):
        raise fail(f"no fine-tuned model {model}: see `calendy models list`")
    served = model or settings.llm_model
    typer.echo(f"serving {served} (running services follow within {settings.active_model_refresh_s:g} s)")

"""`calendy models list|use`: which model the service answers with, per purpose (stored in the database)."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from app.cli.common import fail, with_engine
from app.db.active_model import PURPOSES, get_active_model
from app.settings import get_settings
from app.training.jobs_db import list_models, set_active_model

models_app = typer.Typer(help="The model the service answers with.", no_args_is_help=True)
PurposeOption = Annotated[str, typer.Option("--purpose", help="sql (/v1/sql) or help (/v1/help).")]


@models_app.command("list")
def models_list() -> None:
    """The base model and every fine-tuned one; `served for` names the purposes each one serves."""
    settings = get_settings()

    async def load(engine: AsyncEngine) -> tuple[dict[str, str | None], list[tuple[str, str, str, str, str]]]:
        rows = await list_models(engine=engine)
        described = [
            (row.model, row.purpose, row.base_model, row.job_id,
             ", ".join(f"{k}={v}" for k, v in (row.metrics or {}).items()))
            for row in rows
        ]  # fmt: skip
        return {p: await get_active_model(engine=engine, purpose=p) for p in PURPOSES}, described

    active, rows = with_engine(settings, load)

    def served(model: str | None) -> str:
        return ", ".join(p for p in PURPOSES if active[p] == model)

    table = Table("served for", "model", "purpose", "base", "job", "metrics")
    table.add_row(served(None), settings.llm_model, "", "(CALENDY_LLM_MODEL)", "", "")
    for model, purpose, base, job, metrics in rows:
        table.add_row(served(model), model, purpose, base, job, metrics)
    Console(width=200).print(table)


@models_app.command("use")
def models_use(
    model: Annotated[str | None, typer.Argument(help="A fine-tuned model from `calendy models list`.")] = None,
    base: Annotated[bool, typer.Option("--base", help="Go back to CALENDY_LLM_MODEL.")] = False,
    purpose: PurposeOption = "sql",
) -> None:
    """Serve MODEL for PURPOSE from now on (running services switch within CALENDY_ACTIVE_MODEL_REFRESH_S).

    The other purpose's model is left as it is.
    """
    settings = get_settings()
    if base == (model is not None):
        raise fail("give either a MODEL or --base")
    if purpose not in PURPOSES:
        raise fail(f"unknown purpose {purpose!r}: sql or help")

    async def choose(engine: AsyncEngine) -> str | None:
        if model is not None:
            row = next((row for row in await list_models(engine=engine) if row.model == model), None)
            if row is None:
                return f"no fine-tuned model {model}: see `calendy models list`"
            if row.purpose != purpose:
                return f"{model} was trained for {row.purpose}, not {purpose} (use --purpose {row.purpose})"
        await set_active_model(engine=engine, model=model, purpose=purpose)
        return None

    problem = with_engine(settings, choose)
    if problem is not None:
        raise fail(problem)
    served = model or settings.llm_model
    typer.echo(f"serving {served} for {purpose} (running services follow within {settings.active_model_refresh_s:g} s)")

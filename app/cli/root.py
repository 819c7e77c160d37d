"""The root `calendy` command: every command group of app/cli under one Typer app."""

import typer

from app.cli.ask import ask
from app.cli.chat import chat
from app.cli.dataset import dataset_app
from app.cli.db import db_app
from app.cli.eval import eval_command, eval_help_command
from app.cli.finetune import finetune_app
from app.cli.keys import keys_app
from app.cli.logs import logs_app
from app.cli.models import models_app
from app.cli.serve import serve
from app.cli.synth import synth_app

cli = typer.Typer(help="Calendy Manager: natural-language calendar commands to safe SQLite SQL.", no_args_is_help=True)
cli.command()(serve)
cli.command()(ask)
cli.command()(chat)
cli.command("eval")(eval_command)
cli.command("eval-help")(eval_help_command)
cli.add_typer(db_app, name="db")
cli.add_typer(keys_app, name="keys")
cli.add_typer(logs_app, name="logs")
cli.add_typer(dataset_app, name="dataset")
cli.add_typer(finetune_app, name="finetune")
cli.add_typer(models_app, name="models")
cli.add_typer(synth_app, name="synth")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="calendy")

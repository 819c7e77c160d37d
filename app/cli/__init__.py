"""The `calendy` command: one module per command group; the root app in `main.py`."""

from app.cli.main import cli, main

__all__ = ["cli", "main"]

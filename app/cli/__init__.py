"""The `calendy` command: one module per command group; the root app in `root.py`."""

from app.cli.root import cli, main

__all__ = ["cli", "main"]

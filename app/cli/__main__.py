"""`python -m app.cli`: the same as the `calendy` script."""

from app.cli.main import main

main()

"""`python -m app.cli`: the same as the `calendy` script."""

from app.cli.root import main

main()

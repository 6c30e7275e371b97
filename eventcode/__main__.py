"""`python -m eventcode` is the `eventcode` command."""

from .cli import cli

cli()

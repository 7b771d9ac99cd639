"""The command line: parses arguments and delegates to the stages (``protestmap --help``)."""

from protestmap.cli.app import app, main

__all__ = ["app", "main"]

"""Implementations of the `hl-pipeline` subcommands."""

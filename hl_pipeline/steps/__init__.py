"""Dagster-free orchestration: read the lake, call the logic (ml, quality), write the lake and the
registry. What an asset or check body delegates to; only defs/ and commands/ import it."""

"""Errors of the registry, each naming what is wrong."""

from __future__ import annotations


class RegistryError(RuntimeError):
    """The MLflow store is missing or unreadable, or lacks what an operation needs."""


class NothingToRollBack(RegistryError):
    """The model has no `previous_champion` version."""

    def __init__(self, name: str):
        super().__init__(f"model {name!r} has no 'previous_champion' version to roll back to")
        self.name = name

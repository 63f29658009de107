"""`hl-pipeline models rollback NAME`: move a model's `champion` alias back to its previous champion."""

from __future__ import annotations

import sys

from hl_pipeline.settings import Settings


def rollback(settings: Settings, name: str) -> int:
    from hl_pipeline.registry.aliases import CHAMPION, version_at
    from hl_pipeline.registry.aliases import rollback as move_back
    from hl_pipeline.registry.errors import RegistryError
    from hl_pipeline.registry.tracking import Tracking

    tracking = Tracking.of(settings)
    try:
        current = version_at(tracking, name, CHAMPION)
        restored = move_back(tracking, name)
    except RegistryError as exc:
        print(f"hl-pipeline: error: {exc}; nothing changed", file=sys.stderr)
        return 2
    print(f"{name}: champion moved back from v{current.version if current else '?'} to v{restored}")
    return 0

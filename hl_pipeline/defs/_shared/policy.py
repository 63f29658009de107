"""What every asset carries: owners, tags, a code version; and the automation that waits for checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg

from hl_pipeline.defs._shared.partitions import daily_partitions
from hl_pipeline.lake.versioning import code_version
from hl_pipeline.settings import Settings

OWNERS = ["team:hl-pipeline"]

_FAILED_BLOCKING_CHECK = dg.AutomationCondition.any_checks_match(
    dg.AutomationCondition.check_failed(), blocking_only=True
).with_label("a blocking check failed")

GATED = (
    dg.AutomationCondition.eager()
    & dg.AutomationCondition.all_deps_blocking_checks_passed()
    & ~dg.AutomationCondition.any_deps_match(_FAILED_BLOCKING_CHECK).with_label(
        "no dep partition read failed a check"
    )
)
"""Materialize after new upstream data once the upstream blocking checks passed. The second guard
covers lookback windows: Dagster counts a window as passed when any one of its partitions passed,
so a failed blocking check on any partition a day reads also holds that day back."""

LIVE_DATA = dg.FreshnessPolicy.time_window(
    fail_window=dt.timedelta(hours=3), warn_window=dt.timedelta(hours=2)
)
"""Market and order-flow data refresh at least hourly (schedule or landing sensor)."""


def daily_lake_asset(settings: Settings, domain: str, kinds: set[str], **extra: Any) -> dict[str, Any]:
    """Keyword arguments of `@dg.asset` for a daily asset of `domain` writing its own lake
    partitions, backfilled in one run per range; `extra` adds or overrides (deps, pool, ...)."""
    return {
        "partitions_def": daily_partitions(settings),
        "backfill_policy": dg.BackfillPolicy.single_run(),
        "group_name": domain,
        "kinds": kinds,
        **asset_policy(domain),
        **extra,
    }


def asset_policy(domain: str) -> dict[str, Any]:
    """Keyword arguments of `@dg.asset` shared by every asset of `domain`."""
    return {
        "owners": OWNERS,
        "tags": {"domain": domain},
        "code_version": code_version(),
    }

"""The code location: every domain's definitions built from one settings object.

Each domain under defs/ exposes a builder taking the `Settings`, so partitions, mappings,
targets, resources and schedules all follow the one object parsed here (and a test can build
the location twice under two environments in one process). Nothing heavy is imported here."""

from __future__ import annotations

import warnings

import dagster as dg

from hl_pipeline.defs.alerts.sensors import run_failure_alert
from hl_pipeline.defs.integrity import integrity_definitions
from hl_pipeline.defs.market import market_definitions
from hl_pipeline.defs.ml import ml_definitions
from hl_pipeline.defs.models import model_definitions
from hl_pipeline.defs.order_flow import order_flow_definitions
from hl_pipeline.defs.resources import resources
from hl_pipeline.defs.runs.monitor import dead_runs
from hl_pipeline.defs.venues import venue_definitions
from hl_pipeline.defs.wallets import wallet_definitions
from hl_pipeline.defs.warehouse.assets import warehouse_definitions
from hl_pipeline.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    """The whole code location for `settings`."""
    with warnings.catch_warnings():
        # chosen on purpose and pinned: partitioned check specs (preview), backfill policies and
        # window mappings that tolerate missing days (beta); see docs/architecture.md
        warnings.simplefilter("ignore", dg.PreviewWarning)
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _merged(settings)


def _merged(settings: Settings) -> dg.Definitions:
    return dg.Definitions.merge(
        market_definitions(settings),
        order_flow_definitions(settings),
        venue_definitions(settings),
        ml_definitions(settings),
        model_definitions(settings),
        wallet_definitions(settings),
        integrity_definitions(settings),
        warehouse_definitions(),
        dg.Definitions(
            sensors=[run_failure_alert, dead_runs],
            resources=resources(settings),
            executor=_executor(settings),
        ),
    )


def _executor(settings: Settings) -> dg.ExecutorDefinition:
    """HL_EXECUTOR. in_process: one process per run, the steps sharing the imports (Great
    Expectations, pandas) and the code location a launched run loads once. celery: each step a task
    on the Celery workers (deploy/production/celery.yaml holds the workers' side)."""
    if settings.executor == "in_process":
        return dg.in_process_executor
    from dagster_celery import celery_executor

    return celery_executor.configured(
        {"broker": {"env": "DAGSTER_CELERY_BROKER_URL"}, "backend": {"env": "DAGSTER_CELERY_BACKEND_URL"}}
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(Settings.from_env())

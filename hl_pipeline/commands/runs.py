"""Running the project's jobs in this process over a range of days or targets (demo, backfill, benchmarks)."""

from __future__ import annotations

import functools
from pathlib import Path

import dagster as dg

from hl_pipeline.defs.runs.monitor import fail_dead_runs, runner_tags, slot_holders
from hl_pipeline.lake.storage import Location, lake_location
from hl_pipeline.settings import Settings


def load_definitions(settings: Settings | None = None) -> dg.Definitions:
    """The code location for `settings` (default: parsed from the environment now, as `dagster dev` does)."""
    return _built(settings or Settings.from_env())


@functools.lru_cache(maxsize=4)
def _built(settings: Settings) -> dg.Definitions:
    from hl_pipeline.definitions import build_definitions

    return build_definitions(settings)


# The code location's label (workspace.yaml names it hl_pipeline): runs tagged with it show on
# their job's page in the UI, beside the runs the UI launched, not as jobless materializations.
LOCATION_TAG = {".dagster/repository": "__repository__@hl_pipeline"}


def console(verbose: bool) -> dict:
    """Run config of Dagster's console logger: warnings only, or per-coin progress and check verdicts."""
    return {"loggers": {"console": {"config": {"log_level": "INFO" if verbose else "WARNING"}}}}


def run_market_range(
    first: str,
    last: str,
    instance: dg.DagsterInstance | None = None,
    job_name: str = "market_job",
    settings: Settings | None = None,
    verbose: bool = False,
) -> dg.ExecuteInProcessResult:
    """One single run of a daily job (`market_job` by default) covering `first`..`last` (inclusive)."""
    job = load_definitions(settings).resolve_job_def(job_name)
    return job.execute_in_process(
        instance=instance or dg.DagsterInstance.get(),
        tags={
            **LOCATION_TAG,
            **runner_tags(),
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
        run_config=console(verbose),
        raise_on_error=False,
    )


def run_targets(
    job_name: str,
    instance: dg.DagsterInstance | None = None,
    keys: list[str] | None = None,
    settings: Settings | None = None,
    verbose: bool = False,
) -> dg.ExecuteInProcessResult:
    """One run of a job partitioned by model target, over `keys` (a contiguous run of targets) or
    every target."""
    job = load_definitions(settings).resolve_job_def(job_name)
    if not keys:
        assert job.partitions_def is not None
        keys = list(job.partitions_def.get_partition_keys())
    return job.execute_in_process(
        instance=instance or dg.DagsterInstance.get(),
        tags={
            **LOCATION_TAG,
            **runner_tags(),
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        },
        run_config=console(verbose),
        raise_on_error=False,
    )


def run_warehouse(
    instance: dg.DagsterInstance | None = None, settings: Settings | None = None, verbose: bool = False
) -> dg.ExecuteInProcessResult:
    """Refresh the analysts' DuckDB catalog."""
    return (
        load_definitions(settings)
        .resolve_job_def("warehouse_job")
        .execute_in_process(
            instance=instance or dg.DagsterInstance.get(),
            tags={**LOCATION_TAG, **runner_tags()},
            run_config=console(verbose),
            raise_on_error=False,
        )
    )


def check_summary(result: dg.ExecuteInProcessResult) -> tuple[int, int, list[str]]:
    """(passed, failed, failures as "asset/check partition") over a run's check evaluations."""
    passed = failed = 0
    failures = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            passed += 1
        else:
            failed += 1
            severity = "warning" if evaluation.severity == dg.AssetCheckSeverity.WARN else "error"
            failures.append(
                f"{evaluation.asset_key.to_user_string()}/{evaluation.check_name} "
                f"{evaluation.partition or 'range'} ({severity})"
            )
    return passed, failed, failures


def recover(settings: Settings, instance: dg.DagsterInstance | None = None) -> None:
    """Before a run writes: fail the runs of this host whose process is gone (killed, out of memory)
    and free the pool slots they held, name the live runs still holding slots (this run will wait
    for them), then remove the temporaries killed writers left in the lake; say what was done."""
    from hl_pipeline.lake.temporaries import sweep

    instance = instance or dg.DagsterInstance.get()
    for line in fail_dead_runs(instance) + slot_holders(instance):
        print(line, flush=True)
    if removed := sweep(lake_location(settings.lake_root)):
        print(f"removed {removed} temporary file(s) left in the lake by killed writers", flush=True)


def _quarantine_roots(settings: Settings) -> tuple[Location, ...]:
    return (lake_location(settings.lake_root), Path(settings.landing_root))


def quarantined(settings: Settings) -> dict[Location, int]:
    """How many files each quarantine folder records now (pass to `report_quarantined` after a run)."""
    from hl_pipeline.lake.quarantine import records

    return {root: len(records(root)) for root in _quarantine_roots(settings)}


def report_quarantined(settings: Settings, before: dict[Location, int]) -> None:
    """Name each file quarantined since `before` and what became of it."""
    from hl_pipeline.lake.quarantine import records

    for root in _quarantine_roots(settings):
        for record in records(root)[before.get(root, 0) :]:
            print(
                f"quarantined corrupt file {root / record['path']} -> {root / record['moved_to']}; "
                "rebuilt where it has a source, else a recorded gap"
            )

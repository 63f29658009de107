"""Running the market job in this process over a range of days (demo, backfill, benchmarks)."""

from __future__ import annotations

import dagster as dg


def load_definitions() -> dg.Definitions:
    """The code location as `dagster dev` loads it (resources read the environment now)."""
    from hl_pipeline.definitions import defs

    return defs()


# Progress on the console (per-coin fetch counts, check verdicts) without Dagster's DEBUG events.
CONSOLE_INFO = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_market_range(
    first: str, last: str, instance: dg.DagsterInstance | None = None, job_name: str = "market_job"
) -> dg.ExecuteInProcessResult:
    """One single run of a daily job (`market_job` by default) covering `first`..`last` (inclusive)."""
    defs = load_definitions()
    job = defs.resolve_job_def(job_name)
    return job.execute_in_process(
        instance=instance or dg.DagsterInstance.get(),
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
        run_config=CONSOLE_INFO,
        raise_on_error=False,
    )


def run_targets(
    job_name: str, instance: dg.DagsterInstance | None = None, keys: list[str] | None = None
) -> dg.ExecuteInProcessResult:
    """One run of a job partitioned by model target, over `keys` (a contiguous run of targets) or every target."""
    job = load_definitions().resolve_job_def(job_name)
    keys = keys or job.partitions_def.get_partition_keys()
    return job.execute_in_process(
        instance=instance or dg.DagsterInstance.get(),
        tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
        run_config=CONSOLE_INFO,
        raise_on_error=False,
    )


def run_warehouse(instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Refresh the analysts' DuckDB catalog."""
    defs = load_definitions()
    return defs.resolve_job_def("warehouse_job").execute_in_process(
        instance=instance or dg.DagsterInstance.get(), run_config=CONSOLE_INFO, raise_on_error=False
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
                f"{evaluation.asset_key.to_user_string()}/{evaluation.check_name} {evaluation.partition or 'range'} ({severity})"
            )
    return passed, failed, failures

"""Prometheus metrics of the pipeline, read at scrape time from the Dagster instance (its run, event
and check storage: SQLite or PostgreSQL, whichever `dagster.yaml` names) through Dagster's Python
instance API rather than GraphQL, so no webserver has to be up. The asset, check and job names come
from the code location, built once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import dagster as dg
from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter
from prometheus_client.core import Metric
from prometheus_client.registry import Collector as PromCollector

from hl_pipeline.collector.metrics import family

EXPORTED = (
    "dagster_runs",
    "dagster_job_last_run_timestamp_seconds",
    "dagster_asset_last_materialization_timestamp_seconds",
    "dagster_asset_freshness_seconds",
    "dagster_check_passed",
    "dagster_check_last_execution_timestamp_seconds",
    "dagster_check_failures",
    "dagster_exporter_scrape_seconds",
)
"""Every series name the exporter exports (the Grafana dashboard's panels are checked against it)."""


class PipelineMetrics(PromCollector):
    def __init__(self, instance: dg.DagsterInstance, defs: dg.Definitions):
        graph = defs.resolve_asset_graph()
        self.instance = instance
        self.assets = sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
        self.checks = sorted(graph.asset_check_keys, key=lambda k: k.to_user_string())
        self.jobs = sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__"))

    def collect(self) -> Iterator[Metric]:
        started, now, instance = time.monotonic(), time.time(), self.instance
        yield family(
            "gauge",
            "dagster_runs",
            "runs in the instance's run storage, by status",
            ["status"],
            (([s.value], instance.get_runs_count(RunsFilter(statuses=[s]))) for s in DagsterRunStatus),
        )
        last_runs = []
        for job in self.jobs:
            for status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE):
                records = instance.get_run_records(RunsFilter(job_name=job, statuses=[status]), limit=1)
                if records and (ended := records[0].end_time or records[0].create_timestamp.timestamp()):
                    last_runs.append(([job, status.value], float(ended)))
        yield family(
            "gauge",
            "dagster_job_last_run_timestamp_seconds",
            "end of the newest run of a job, by status",
            ["job", "status"],
            last_runs,
        )
        latest = instance.get_latest_materialization_events(self.assets)
        stamps = [(key.to_user_string(), e.timestamp) for key, e in latest.items() if e is not None]
        yield family(
            "gauge",
            "dagster_asset_last_materialization_timestamp_seconds",
            "time of the newest materialization of an asset (any partition)",
            ["asset"],
            (([name], t) for name, t in stamps),
        )
        yield family(
            "gauge",
            "dagster_asset_freshness_seconds",
            "seconds since the newest materialization of an asset",
            ["asset"],
            (([name], now - t) for name, t in stamps),
        )
        passed, stamped, failures = [], [], []
        summaries = instance.event_log_storage.get_asset_check_summary_records(self.checks)
        for key, summary in sorted(summaries.items(), key=lambda kv: kv[0].to_user_string()):
            record = summary.last_completed_check_execution_record
            entry = record.event if record is not None else None
            if entry is None or entry.dagster_event is None:
                continue
            evaluation = entry.dagster_event.event_specific_data
            labels = [key.asset_key.to_user_string(), key.name]
            stamped.append((labels, entry.timestamp))
            ok = bool(getattr(evaluation, "passed", False))
            passed.append((labels, int(ok)))
            severity = getattr(evaluation, "severity", None)
            failures.append(([*labels, severity.value if severity else "ERROR"], int(not ok)))
        yield family(
            "gauge",
            "dagster_check_passed",
            "1 if the newest execution of an asset check passed",
            ["asset", "check"],
            passed,
        )
        yield family(
            "gauge",
            "dagster_check_last_execution_timestamp_seconds",
            "time of the newest check execution",
            ["asset", "check"],
            stamped,
        )
        yield family(
            "gauge",
            "dagster_check_failures",
            "1 if the newest execution failed, by the check's severity",
            ["asset", "check", "severity"],
            failures,
        )
        yield family(
            "gauge",
            "dagster_exporter_scrape_seconds",
            "time this scrape took",
            [],
            [([], time.monotonic() - started)],
        )

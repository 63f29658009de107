"""Fail the runs of this machine whose process is gone (kill -9, out of memory, power loss) and free
their pool slots, so a later run never waits on a slot nobody will release.

A run started by `hl-pipeline backfill` or `demo` names its host and process in its tags; a run the UI
or the daemon launched names its process in its "Started process for run" event. It is this machine's
on the embedded (SQLite) instance, and on a shared one (PostgreSQL) when the code server that started
its process listened on loopback: that server runs beside the one daemon, which evaluates this sensor
through it. The `dead_runs` sensor does this every minute under `dagster dev` and the stack's daemon;
backfill and demo do it before they start."""

import json
import os
import socket
from collections.abc import Mapping

import dagster as dg

from hl_pipeline.lake.temporaries import alive

HOST_TAG, PID_TAG = "hl_pipeline/host", "hl_pipeline/pid"  # who runs it: a dead runner's runs are failed
LIVE = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
GRPC_INFO_TAG = ".dagster/grpc_info"  # the code server a run's process was started by (DefaultRunLauncher)
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def runner_tags() -> dict[str, str]:
    """Tags naming this process as the runner of a run it executes."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def _embedded(instance: dg.DagsterInstance) -> bool:
    return type(instance.run_storage).__name__ == "SqliteRunStorage"


def runs_here(tags: Mapping[str, str], embedded: bool, host: str) -> bool:
    """Whether a run with these tags has its process on machine `host`: its runner tag says so, or
    (untagged) the instance is embedded or the run's code server listened on loopback."""
    if HOST_TAG in tags:
        return tags[HOST_TAG] == host
    if embedded:
        return True
    try:
        server = json.loads(tags.get(GRPC_INFO_TAG, "{}"))
    except ValueError:
        return False
    return isinstance(server, dict) and server.get("host") in LOOPBACK


def worker_pid(instance: dg.DagsterInstance, run: dg.DagsterRun) -> str | None:
    """The process executing `run`: its tag, else the pid its run worker logged at start."""
    if PID_TAG in run.tags:
        return run.tags[PID_TAG]
    records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, limit=20)
    for record in records.records:
        event = record.event_log_entry.dagster_event
        if event and (event.message or "").startswith("Started process for run"):
            pid = event.engine_event_data.metadata.get("pid")
            return str(pid.value) if pid is not None else None
    return None


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail each live run of this host whose process is gone and free its slots; says what was done."""
    host, done = socket.gethostname(), []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=LIVE)):
        if not runs_here(run.tags, _embedded(instance), host):
            continue
        pid = worker_pid(instance, run)
        if pid is None or alive(pid):
            continue
        instance.report_run_failed(run, message=f"its process {pid} is gone (killed or out of memory)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        done.append(
            f"run {run.run_id[:8]} of {run.job_name}: its process {pid} is gone; "
            "marked failed, pool slots freed"
        )
    return done


def slot_holders(instance: dg.DagsterInstance) -> list[str]:
    """The live runs holding pool slots, each named with its process and status."""
    out = []
    for run_id in sorted(instance.event_log_storage.get_concurrency_run_ids()):
        holder = instance.get_run_by_id(run_id)
        if holder is not None and not holder.is_finished:
            out.append(
                f"run {run_id[:8]} of {holder.job_name} (pid {worker_pid(instance, holder) or '?'}, "
                f"{holder.status.value}) holds pool slots: "
                "steps of this run that need them wait until it ends"
            )
    return out


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def dead_runs(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Every minute: fail the runs of this machine whose process is gone and free their pool slots."""
    done = fail_dead_runs(context.instance)
    for line in done:
        context.log.warning(line)
    return dg.SkipReason("; ".join(done) or "every live run of this machine has its process")

"""The pipeline wired to a loopback simulator and a temporary lake, clock frozen to the simulator's."""

from __future__ import annotations

import dagster as dg
import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.lake.calendar import iso_ms
from hl_pipeline_tests.conftest import TEST_NOW_MS

COINS = "BTC,ETH"


@pytest.fixture
def pipeline_env(simulator, tmp_path, monkeypatch):
    """Environment for one pipeline: returns the lake root."""
    lake = tmp_path / "lake"
    monkeypatch.setenv("HL_API_URL", simulator.base_url)
    monkeypatch.setenv("HL_LAKE_ROOT", str(lake))
    monkeypatch.setenv("HL_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("HL_AS_OF", iso_ms(TEST_NOW_MS))
    monkeypatch.setenv("HL_COINS", COINS)
    return lake


@pytest.fixture
def market_job(pipeline_env):
    return load_definitions().resolve_job_def("market_job")


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def run_range(job, instance, first: str, last: str, **kwargs) -> dg.ExecuteInProcessResult:
    return job.execute_in_process(
        instance=instance,
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
        raise_on_error=False,
        **kwargs,
    )

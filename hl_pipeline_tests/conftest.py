"""Shared fixtures: a real simulator on loopback, a temporary lake."""

from __future__ import annotations

import pytest

from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator

# A fixed clock keeps tests reproducible: 2024-03-01 12:30:00 UTC.
TEST_NOW_MS = 1_709_296_200_000


@pytest.fixture
def sim_config() -> SimulatorConfig:
    """The simulator as tests see it by default: fixed clock, real limits, no faults."""
    return SimulatorConfig(seed=7, now_ms=TEST_NOW_MS)


@pytest.fixture
def simulator(sim_config):
    """A simulator serving HTTP on a free loopback port; yields its handle (`.base_url`)."""
    with running_simulator(sim_config, host="127.0.0.1", port=0) as handle:
        yield handle

"""A shard's share of the per-IP connection budget holds across a dropped connection: with one new
connection a minute it does not reconnect at once, and a stop while it waits ends the run promptly."""

import asyncio
import time

import pytest

from hl_pipeline.collector.session import Collector, CollectorConfig
from hl_pipeline_tests.collector.streams import busy_config


@pytest.fixture
def sim_config():
    return busy_config(seed=9)


def test_a_dropped_connection_waits_for_the_connection_budget(simulator, tmp_path):
    collector = Collector(
        CollectorConfig(
            api_url=simulator.base_url,
            coins=["BTC", "ETH"],
            landing=tmp_path,
            backoff_base=0.01,
            backoff_cap=0.02,
            connects_per_minute=1,
            sends_per_minute=100,
        )
    )
    seen: dict[str, float] = {}

    async def run():
        stop = asyncio.Event()
        task = asyncio.create_task(collector.run(stop))
        while not collector.health.connected:
            await asyncio.sleep(0.05)
        simulator.config.faults.ws_drop = 1.0
        while not collector.health.reconnects:
            await asyncio.sleep(0.05)
        simulator.config.faults.ws_drop = 0.0
        await asyncio.sleep(3.0)  # backoff is 20 ms: without the budget it would be connected again
        seen["connected"], seen["reconnects"] = collector.health.connected, collector.health.reconnects
        assert collector.connects is not None
        seen["wait"] = collector.connects.wait_for(1)
        stopped = time.monotonic()
        stop.set()
        await task
        seen["stop_s"] = time.monotonic() - stopped

    asyncio.run(run())
    assert seen["connected"] is False and seen["reconnects"] == 1
    assert 50 < seen["wait"] <= 60  # the first connection leaves the window a minute after it was made
    assert seen["stop_s"] < 10

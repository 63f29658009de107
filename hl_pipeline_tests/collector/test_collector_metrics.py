"""The collector's /metrics scraped over HTTP while it streams and rotates landing files, then a
reconnect and its gaps seen in the counters."""

import asyncio

import pytest

from hl_pipeline.collector.metrics import serve
from hl_pipeline.collector.session import Collector, CollectorConfig
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline_tests.collector.scrape import scrape, value
from hl_pipeline_tests.collector.streams import busy_config


@pytest.fixture
def sim_config():
    return busy_config(seed=5)


def test_landing_bytes_latency_and_gaps_are_scraped_during_a_run(simulator, tmp_path):
    collector = Collector(
        CollectorConfig(
            api_url=simulator.base_url,
            coins=["BTC", "ETH"],
            landing=tmp_path,
            flush_seconds=0.2,
            rotate_seconds=1.0,
        ),
        book_snapshot=InfoClient(simulator.base_url, rate_limit=False).l2_book,
    )
    port = serve(collector, "0/1", 0, "127.0.0.1")
    scraped = {}

    async def run():
        stop = asyncio.Event()
        task = asyncio.create_task(collector.run(stop))
        await asyncio.sleep(3.0)  # two rotations
        scraped["streaming"] = await asyncio.to_thread(scrape, port)
        simulator.config.faults.ws_drop = 1.0  # the server drops the socket: a reconnect, a gap per stream
        while not collector.health.reconnects:
            await asyncio.sleep(0.05)
        simulator.config.faults.ws_drop = 0.0
        while collector.health.gaps < 4:  # recorded when each stream's next message arrives
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.5)  # a rotation after the reconnect
        scraped["after"] = await asyncio.to_thread(scrape, port)
        stop.set()
        await task

    asyncio.run(run())
    first, after = scraped["streaming"], scraped["after"]
    for channel in ("trades", "l2Book"):
        assert value(first, "hl_collector_landing_files_total", shard="0/1", channel=channel) >= 1
        assert value(first, "hl_collector_landing_bytes_total", shard="0/1", channel=channel) > 1000
        p99 = value(
            first, "hl_collector_durable_latency_seconds", shard="0/1", channel=channel, quantile="0.99"
        )
        assert 0 <= p99 < 2.0
    assert value(first, "hl_collector_reconnects_total", shard="0/1") == 0
    assert value(after, "hl_collector_reconnects_total", shard="0/1") >= 1
    gaps = {dict(k)["channel"]: v for (n, k), v in after.items() if n == "hl_collector_gaps_total"}
    assert gaps.get("trades", 0) >= 2 and gaps.get("l2Book", 0) >= 2, gaps  # one per coin
    assert value(after, "hl_collector_landing_bytes_total", shard="0/1", channel="trades") > value(
        first, "hl_collector_landing_bytes_total", shard="0/1", channel="trades"
    )

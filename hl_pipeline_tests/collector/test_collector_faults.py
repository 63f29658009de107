"""The collector against the simulator's WebSocket, with each fault injected."""

import asyncio
import datetime as dt
import threading

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hl_pipeline.collector.session import Collector, CollectorConfig
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.simulator.config import FaultConfig, SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.conftest import TEST_NOW_MS

COINS = ["BTC", "ETH"]


def _landed(landing, channel) -> pa.Table:
    files = sorted((landing / channel).glob("*/*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files]) if files else None


def _collect(tmp_path, faults: FaultConfig, seconds: float, switch=None) -> Collector:
    config = SimulatorConfig(seed=3, now_ms=TEST_NOW_MS, rate_limit=False, ws_speed=20.0, faults=faults)
    with running_simulator(config) as sim:
        client = InfoClient(sim.base_url, rate_limit=False)
        collector = Collector(
            CollectorConfig(api_url=sim.base_url, coins=COINS, landing=tmp_path, ping_seconds=0.5, silence_seconds=1.0,
                            backoff_base=0.05, backoff_cap=0.2, flush_seconds=0.2, rotate_seconds=1.0),
            book_snapshot=client.l2_book,
        )

        async def main():
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            loop.call_later(seconds, stop.set)
            if switch:
                loop.call_later(seconds / 3, switch, sim.config.faults)
            await collector.run(stop)

        asyncio.run(main())
    return collector


def _assert_clean(tmp_path):
    trades = _landed(tmp_path, "trades")
    assert trades is not None and trades.num_rows > 0
    keys = list(zip(trades["coin"].to_pylist(), trades["time"].to_pylist(), trades["tid"].to_pylist()))
    assert len(keys) == len(set(keys)), "a trade was landed twice"
    assert set(trades["coin"].to_pylist()) == set(COINS)
    assert all(b and s for b, s in zip(trades["buyer"].to_pylist(), trades["seller"].to_pylist()))
    books = _landed(tmp_path, "l2Book")
    assert books is not None and set(books["coin"].to_pylist()) == set(COINS)
    return trades, books


def test_clean_stream_lands_unique_trades_and_books(tmp_path):
    collector = _collect(tmp_path, FaultConfig(), 3.0)
    _assert_clean(tmp_path)
    assert collector.health.reconnects == 0
    assert (tmp_path / "heartbeat.json").exists()
    assert not list(tmp_path.glob("*/.journal-*"))  # everything rotated on stop


def test_dropped_connections_reconnect_record_gaps_and_books_resume(tmp_path):
    collector = _collect(tmp_path, FaultConfig(ws_drop=0.05), 4.0)
    trades, books = _assert_clean(tmp_path)
    assert collector.health.reconnects >= 1
    gaps = _landed(tmp_path, "gaps")
    assert gaps is not None and "disconnect" in set(gaps["cause"].to_pylist())
    assert all(s <= e for s, e in zip(gaps["start"].to_pylist(), gaps["end"].to_pylist()))
    book_times = books["receive_time"].to_pylist()
    for start, end in zip(gaps["start"].to_pylist(), gaps["end"].to_pylist()):  # books resume after every reconnect
        assert any(start < t <= end + dt.timedelta(seconds=1.5) for t in book_times), (start, end)


@pytest.mark.parametrize("faults", [FaultConfig(ws_duplicate=0.5), FaultConfig(ws_reorder=0.5)], ids=["duplicate", "reorder"])
def test_duplicated_and_reordered_messages_land_each_trade_once(tmp_path, faults):
    collector = _collect(tmp_path, faults, 3.0)
    _assert_clean(tmp_path)
    if faults.ws_duplicate:
        assert collector.dedupe.dropped > 0


def test_a_silent_connection_is_detected_and_recorded(tmp_path):
    def go_silent_then_recover(faults):
        faults.ws_silent = True
        threading.Timer(1.6, lambda: setattr(faults, "ws_silent", False)).start()

    _collect(tmp_path, FaultConfig(), 5.0, switch=go_silent_then_recover)
    _assert_clean(tmp_path)
    gaps = _landed(tmp_path, "gaps")
    assert gaps is not None and "silent" in set(gaps["cause"].to_pylist())

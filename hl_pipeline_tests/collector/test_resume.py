"""A restarted collector knows where each coin's stream stopped, even when the newest file lacks it."""

import pyarrow as pa

from hl_pipeline.collector.gaps import GapTracker
from hl_pipeline.collector.resume import previous_ends
from hl_pipeline.lake.schemas import TRADES
from hl_pipeline.lake.writer import write_parquet_atomically

T0 = 1_709_296_200_000


def _land(root, coin, first, last):
    rows = [
        {
            "coin": coin,
            "time": t,
            "px": 1.0,
            "sz": 1.0,
            "side": "B",
            "tid": t,
            "hash": "0x0",
            "buyer": "0xa",
            "seller": "0xb",
            "receive_time": t,
        }
        for t in (first, last)
    ]
    write_parquet_atomically(
        pa.Table.from_pylist(rows, schema=TRADES), root / "trades" / "2024-03-01" / f"{first}-{last}.parquet"
    )


def test_each_coin_ends_at_its_own_last_landed_row(tmp_path):
    _land(tmp_path, "ETH", T0, T0 + 1_000)
    _land(tmp_path, "BTC", T0 + 2_000, T0 + 5_000)  # the newest file holds BTC only
    ends = previous_ends(tmp_path, ["BTC", "ETH", "SOL"])
    assert ends == {("trades", "BTC"): T0 + 5_000, ("trades", "ETH"): T0 + 1_000}


def test_the_restart_gap_is_recorded_from_where_each_stream_stopped(tmp_path):
    _land(tmp_path, "ETH", T0, T0 + 1_000)
    tracker = GapTracker(T0 + 60_000, previous_ends(tmp_path, ["ETH"]))
    gap = tracker.seen("trades", "ETH", T0 + 61_000)
    assert gap is not None
    assert gap["start"] == T0 + 1_000 and gap["end"] == T0 + 61_000 and gap["cause"] == "start"
    assert tracker.seen("trades", "ETH", T0 + 62_000) is None

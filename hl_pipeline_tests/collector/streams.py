"""What the simulator streams and what the collector landed, as comparable trade keys."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hl_pipeline.collector.journal import recover
from hl_pipeline.lake.schemas import BOOK_SNAPSHOTS, COLLECTOR_GAPS, GAP_CANDLES, TRADES
from hl_pipeline.simulator import wsfeeds
from hl_pipeline.simulator.config import DEFAULT_COINS, FaultConfig, SimulatorConfig
from hl_pipeline.simulator.market import Market

COINS = ["BTC", "ETH"]
SCHEMAS = {"trades": TRADES, "l2Book": BOOK_SNAPSHOTS, "gaps": COLLECTOR_GAPS, "gap_candles": GAP_CANDLES}


def busy_config(seed: int, faults: FaultConfig | None = None, **kw) -> SimulatorConfig:
    """The simulator on the wall clock with BTC and ETH trading 20 times a second: any span it
    streamed is regenerated from (seed, coin, time), across reconnects and restarts."""
    coins = tuple(dataclasses.replace(c, trades_per_min=1200.0) for c in DEFAULT_COINS[:2])
    return SimulatorConfig(
        seed=seed, now_ms=None, coins=coins, rate_limit=False, faults=faults or FaultConfig(), **kw
    )


def ms() -> int:
    return int(time.time() * 1000)


def on_disk(landing: Path, channel: str) -> pa.Table:
    """Every landing file of a channel: Parquet read as is, journals through the collector's recovery."""
    parts = [pq.read_table(p) for p in sorted((landing / channel).glob("*/*.parquet"))]
    parts += [recover(j, SCHEMAS[channel])[0] for j in sorted((landing / channel).glob(".journal-*.arrow"))]
    return pa.concat_tables(parts) if parts else SCHEMAS[channel].empty_table()


def of_coin(table: pa.Table, coin: str) -> pa.Table:
    return table.filter(pc.equal(table["coin"], coin))


def keys(table: pa.Table, coin: str) -> list[tuple[int, int]]:
    """(time ms, tid) of a coin's landed trades, in landing order."""
    rows = of_coin(table, coin)
    return list(zip(rows["time"].cast(pa.int64()).to_pylist(), rows["tid"].to_pylist()))


def receive_times(table: pa.Table, coin: str) -> list[int]:
    return sorted(of_coin(table, coin)["receive_time"].cast(pa.int64()).to_pylist())


def model_trades(market: Market, coin: str, after_ms: int, upto_ms: int) -> list[tuple[int, int]]:
    """(time, tid) of the trades the simulator streams for a coin with after_ms < time <= upto_ms."""
    return [
        (t["time"], t["tid"]) for t in wsfeeds.trades_between(market, market.coin_id(coin), after_ms, upto_ms)
    ]

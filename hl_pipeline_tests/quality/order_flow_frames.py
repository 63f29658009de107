"""Hand-built book snapshots and trades (pandas, lake schemas) for the order-flow check tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from hl_pipeline.lake.schemas import BOOK_SNAPSHOTS, TRADES
from hl_pipeline_tests.quality.frames import day_ms

DATE = "2024-03-01"


def books(snapshots: int = 30, levels: int = 5, step_ms: int = 1000, coin: str = "BTC") -> pd.DataFrame:
    """A clean book: mid drifting by one tick per snapshot, `levels` a side, bids first."""
    rows = []
    t0 = day_ms(DATE) + 3_600_000
    for k in range(snapshots):
        mid = 100.0 + k * 0.1
        for side, sign in (("bid", -1), ("ask", 1)):
            for lvl in range(levels):
                rows.append(
                    {
                        "coin": coin,
                        "time": t0 + k * step_ms,
                        "side": side,
                        "level": lvl,
                        "px": round(mid + sign * (0.05 + 0.1 * lvl), 4),
                        "sz": 1.0 + lvl,
                        "n": 1 + lvl,
                        "receive_time": t0 + k * step_ms + 40,
                    }
                )
    return _frame(rows, BOOK_SNAPSHOTS)


def trades(n: int = 50, coin: str = "BTC") -> pd.DataFrame:
    t0 = day_ms(DATE) + 3_600_000
    i = np.arange(n)
    rows = [
        {
            "coin": coin,
            "time": t0 + int(k) * 1000,
            "px": 100.0 + (k % 7) * 0.01,
            "sz": 0.5,
            "side": "AB"[k % 2],
            "tid": 1000 + int(k),
            "hash": f"0x{k:064x}",
            "buyer": f"0x{k + 1:040x}",
            "seller": f"0x{k + 2:040x}",
            "receive_time": t0 + int(k) * 1000 + 30,
        }
        for k in i
    ]
    return _frame(rows, TRADES)


def candles_for(trades_df: pd.DataFrame) -> pd.DataFrame:
    """1m candles whose [low, high] hold every trade of their minute."""
    minute = trades_df["time"].dt.floor("min")
    bars = trades_df.groupby([trades_df["coin"], minute])["px"].agg(["min", "max"]).reset_index()
    return bars.rename(columns={"min": "low", "max": "high"})


def _frame(rows: list[dict], schema: pa.Schema) -> pd.DataFrame:
    table = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [pa.field(f.name, pa.int64() if pa.types.is_timestamp(f.type) else f.type) for f in schema]
        ),
    )
    table = table.cast(schema)
    df = table.to_pandas()
    df["date"] = DATE
    return df

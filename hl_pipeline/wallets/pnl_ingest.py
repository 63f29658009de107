"""Daily partitions of wallet PnL per coin: the day's fills, funding payments and rebuilt position
of each tracked wallet, marked at the last mark price of the day in asset_contexts."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.lake.calendar import iso_ms, observed_end_ms, shift
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_partition
from hl_pipeline.lake.schemas import WALLET_FILLS, WALLET_FUNDING, WALLET_PNL, WALLET_POSITIONS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.wallets.pnl import Fills, day_pnl
from hl_pipeline.wallets.positions import Held

Log = Callable[[str], None]


def _frame(root: Location, dataset: str, date: str, coin: str, schema: pa.Schema) -> pd.DataFrame:
    table = read_partition(root, dataset, date, coin)
    return (schema.empty_table() if table is None else table).to_pandas()


def _ms(times: pd.Series) -> np.ndarray:
    return times.to_numpy("datetime64[ms]").astype(np.int64)


def mark_at(root: Location, date: str, coin: str, end_ms: int) -> tuple[float | None, int | None]:
    """(mark price, its time) of the last asset_contexts row at or before `end_ms`; None if none."""
    table = read_partition(root, "asset_contexts", date, coin)
    if table is None or table.num_rows == 0:
        return None, None
    table = table.filter(pc.less_equal(pc.cast(table.column("time"), pa.int64()), end_ms))
    table = table.filter(pc.is_valid(table.column("mark_px")))
    if table.num_rows == 0:
        return None, None
    last = int(np.argmax(pc.cast(table.column("time"), pa.int64()).to_numpy()))
    return float(table.column("mark_px")[last].as_py()), int(table.column("time")[last].value)


def _fills(mine: pd.DataFrame) -> Fills:
    mine = mine.sort_values(["time", "tid"], kind="stable")
    return Fills(
        _ms(mine["time"]),
        mine["start_position"].to_numpy(float),
        np.where(mine["side"] == "B", 1.0, -1.0) * mine["sz"].to_numpy(float),
        mine["px"].to_numpy(float),
        mine["closed_pnl"].to_numpy(float),
        mine["fee"].to_numpy(float),
    )


def coin_day_pnl(root: Location, date: str, coin: str, now_ms: int) -> tuple[pa.Table, dict]:
    """WALLET_PNL rows of one coin-day and what went into them."""
    end = observed_end_ms(date, now_ms)
    fills = _frame(root, "wallet_fills", date, coin, WALLET_FILLS)
    funding = _frame(root, "wallet_funding", date, coin, WALLET_FUNDING)
    held = _frame(root, "wallet_positions", date, coin, WALLET_POSITIONS).set_index("user")
    before = _frame(root, "wallet_positions", shift(date, -1), coin, WALLET_POSITIONS).set_index("user")
    mark, mark_time = mark_at(root, date, coin, end)
    fills_by, funding_by = fills.groupby("user").indices, funding.groupby("user").indices
    rows = []
    for user in sorted(set(held.index) | set(funding_by)):
        mine, paid = fills.iloc[fills_by.get(user, [])], funding.iloc[funding_by.get(user, [])]
        start = (
            Held(float(before.at[user, "size"]), _entry(before.at[user, "entry_px"]))
            if user in before.index
            else None
        )
        end_held = (
            Held(float(held.at[user, "size"]), _entry(held.at[user, "entry_px"]))
            if user in held.index
            else Held(0.0, None)
        )
        pnl = day_pnl(
            _fills(mine),
            start,
            end_held,
            _ms(paid["time"]),
            paid["usdc"].to_numpy(float),
            paid["szi"].to_numpy(float),
            mark,
        )
        rows.append(
            {
                "coin": coin,
                "user": user,
                "time": end,
                **{k: getattr(pnl, k) for k in _PNL_FIELDS},
                "mark_px": mark,
                "fills": len(mine),
                "payments": len(paid),
            }
        )
    details = {
        "as_of": iso_ms(end),
        "mark_time": None if mark_time is None else iso_ms(mark_time),
        "unknown_unrealised": sum(r["unrealised"] is None for r in rows),
    }
    return pa.Table.from_pylist(rows, schema=WALLET_PNL), details


_PNL_FIELDS = (
    "realised",
    "fees",
    "funding",
    "net_realised",
    "size",
    "entry_px",
    "unrealised",
    "net",
    "realised_in_view",
    "realised_rebuilt",
    "funding_size_mismatches",
)


def _entry(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def ingest_wallet_pnl(root: Location, coins: list[str], date: str, now_ms: int, log: Log) -> list[Manifest]:
    """Each tracked wallet's PnL per coin of `date`; a missing mark leaves unrealised null, recorded."""
    manifests = []
    for coin in coins:
        table, details = coin_day_pnl(root, date, coin, now_ms)
        gaps = (
            [{"reason": "no mark price in asset_contexts for the day: unrealised PnL unknown"}]
            if details["mark_time"] is None
            else []
        )
        manifest = Manifest.for_table(
            "wallet_pnl",
            date,
            coin,
            table,
            "wallet_fills, wallet_funding, wallet_positions and asset_contexts' mark",
            details=details,
            unavailable=gaps,
        )
        write_partition(root, table, manifest)
        manifests.append(manifest)
    log(f"wallet pnl {date}: {sum(m.rows for m in manifests)} (wallet, coin) row(s)")
    return manifests

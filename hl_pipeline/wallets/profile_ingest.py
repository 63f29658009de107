"""Daily partitions of wallet profiles: each wallet tracked that day, profiled over the window of
days ending with it (wallet_fills, wallet_pnl, 1m candles for markouts, equity from `portfolio`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.calendar import iso_ms, observed_end_ms, shift
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_partition, read_range
from hl_pipeline.lake.schemas import WALLET_PROFILES
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.wallets.classify import WINDOW_DAYS, classify, cohort
from hl_pipeline.wallets.profile_stats import wallet_stats

Log = Callable[[str], None]
EQUITY_PERIODS = ("perpMonth", "perpAllTime", "month", "allTime")


def equity_at(client: InfoClient, user: str, end_ms: int) -> float | None:
    """accountValue at the last portfolio sample at or before `end_ms` (None if none)."""
    periods = client.portfolio(user)
    for name in EQUITY_PERIODS:
        period = periods.get(name)
        samples = [v for t, v in (period.account_value_history if period else ()) if t <= end_ms]
        if samples:
            return float(samples[-1])
    return None


def _with_ms(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    frame["time_ms"] = pc.cast(table.column("time"), pa.int64()).to_numpy()
    return frame


def _closes(root: Location, dates: list[str], coins: list[str]) -> dict[str, pd.Series]:
    candles = read_range(root, "candles", dates, coins, columns=["coin", "interval", "time", "close"])
    candles = candles.filter(pc.equal(candles.column("interval"), "1m"))
    frame = _with_ms(candles)
    return {
        coin: g.drop_duplicates("time_ms").set_index("time_ms")["close"].sort_index()
        for coin, g in frame.groupby("coin")
    }


def profiles(
    client: InfoClient, root: Location, coins: list[str], date: str, now_ms: int
) -> tuple[pa.Table, dict]:
    """WALLET_PROFILES rows of `date` and what went into them."""
    users = read_partition(root, "wallets", date)
    tracked = [] if users is None else users.column("user").to_pylist()
    window = [shift(date, -k) for k in range(WINDOW_DAYS - 1, -1, -1)]
    end = observed_end_ms(date, now_ms)
    fills = _with_ms(
        read_range(
            root,
            "wallet_fills",
            window,
            coins,
            with_date=True,
            columns=[
                "coin",
                "user",
                "time",
                "px",
                "sz",
                "side",
                "dir",
                "closed_pnl",
                "fee",
                "crossed",
                "oid",
                "liquidation",
            ],
        )
    )
    pnl = read_range(
        root,
        "wallet_pnl",
        window,
        coins,
        with_date=True,
        columns=["coin", "user", "net_realised", "size", "mark_px"],
    ).to_pandas()
    fills, pnl = fills[fills["user"].isin(tracked)], pnl[pnl["user"].isin(tracked)]
    equity = {u: equity_at(client, u, end) for u in tracked}
    stats = wallet_stats(fills, pnl, equity, _closes(root, [*window, shift(date, 1)], coins))
    rows = []
    for s in stats.to_dict("records"):
        s = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in s.items()}
        kind, reason = classify(s)
        rows.append({**s, "time": end, "kind": kind, "reason": reason, "cohort": cohort(s["equity_usd"])})
    seen = {r["user"] for r in rows}
    rows += [_empty(u, end, equity.get(u)) for u in tracked if u not in seen]
    table = pa.Table.from_pylist(sorted(rows, key=lambda r: r["user"]), schema=WALLET_PROFILES)
    days_read = sorted(set(fills["date"]) | set(pnl["date"]))
    return table, {"window": [window[0], window[-1]], "days_with_data": days_read, "as_of": iso_ms(end)}


def _empty(user: str, end: int, equity: float | None) -> dict:
    """A tracked wallet with nothing in the window: only its equity speaks."""
    stats = {"user": user, "days": 0, "fills": 0, "fills_per_day": 0.0, "volume_usd": 0.0}
    stats |= {"pnl_days_positive": 0, "liquidations": 0, "auto_deleveraged": 0, "equity_usd": equity}
    kind, reason = classify(stats)
    return {**stats, "time": end, "kind": kind, "reason": reason, "cohort": cohort(equity)}


def ingest_wallet_profiles(
    client: InfoClient, root: Location, coins: list[str], date: str, now_ms: int, log: Log
) -> Manifest:
    """The profiles of `date`'s tracked wallets; days of the window without data are recorded."""
    table, details = profiles(client, root, coins, date, now_ms)
    missing = sorted(set(shift(date, -k) for k in range(WINDOW_DAYS)) - set(details["days_with_data"]))
    manifest = Manifest.for_table(
        "wallet_profiles",
        date,
        None,
        table,
        f"wallet_fills, wallet_pnl and 1m candles over {WINDOW_DAYS} days; portfolio equity",
        details={
            **details,
            "kinds": {
                k: int(n) for k, n in pd.Series(table.column("kind").to_pylist()).value_counts().items()
            },
        },
        unavailable=[{"reason": "no wallet data in the lake for these days of the window", "dates": missing}]
        if missing
        else [],
    )
    write_partition(root, table, manifest)
    log(f"wallet profiles {date}: {table.num_rows} wallet(s), {manifest.details['kinds']}")
    return manifest

"""Per day, as PNGs beside the lake (data/reports/wallets/): each coin's price against the whales'
cumulative net flow, and the equity and PnL split (realised, fees, funding, unrealised) of the day's
largest profiled wallets over the profile window.

These are reports read in hindsight: the whales are those of the day's own profile (the features
use earlier days' only)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from hl_pipeline.lake.calendar import shift
from hl_pipeline.lake.paths import report_dir
from hl_pipeline.lake.reader import read_range
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.figures import pyplot, save_png
from hl_pipeline.wallets.classify import WINDOW_DAYS

PNL_WALLETS = 3
"""Wallets a day's PnL plot shows: the largest of its profiles by volume."""


def _with_ms(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(time=pd.to_datetime(frame["time"], utc=True))


def whale_flow_plot(
    folder: Path, date: str, coin: str, candles: pd.DataFrame, fills: pd.DataFrame, whales: set[str]
) -> Path | None:
    """Close and the whales' cumulative signed size over one coin-day; None without candles."""
    if candles.empty:
        return None
    plt = pyplot()
    mine = fills[fills["user"].isin(whales)].sort_values("time")
    signed = np.where(mine["side"] == "B", 1.0, -1.0) * mine["sz"].to_numpy(dtype=float)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 4.5), sharex=True)
    top.plot(candles["time"], candles["close"], lw=0.7)
    top.set_ylabel(f"{coin} close (USD)")
    bottom.step(mine["time"], np.cumsum(signed), where="post", lw=0.8, color="tab:orange")
    bottom.axhline(0.0, lw=0.5, color="grey")
    bottom.set_ylabel(f"whale net flow ({coin})")
    fig.suptitle(f"{coin} {date}: {len(whales)} whale(s), {len(mine)} fill(s)")
    path = folder / f"whale-flow-{coin}-{date}.png"
    return save_png(fig, path, dpi=70)


def pnl_plot(folder: Path, date: str, user: str, pnl: pd.DataFrame, equity: pd.Series) -> Path:
    """One wallet's daily PnL split (all coins) as bars and its cumulative net and equity as lines."""
    plt = pyplot()
    daily = pnl.groupby("date")[["realised", "fees", "funding", "unrealised"]].sum(min_count=1)
    x = np.arange(len(daily))
    parts = {
        "realised": daily["realised"],
        "fees": -daily["fees"],
        "funding": daily["funding"],
        "unrealised": daily["unrealised"].fillna(0.0),
    }
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    up, down = np.zeros(len(x)), np.zeros(len(x))
    for name, values in parts.items():
        v = values.to_numpy(dtype=float)
        base = np.where(v >= 0, up, down)
        top.bar(x, v, bottom=base, label=name, width=0.6)
        up, down = up + np.maximum(v, 0), down + np.minimum(v, 0)
    top.plot(
        x, np.cumsum(daily["realised"] - daily["fees"] + daily["funding"]), "k.-", label="cum. net realised"
    )
    top.axhline(0.0, lw=0.5, color="grey")
    top.set_ylabel("USD")
    top.legend(loc="upper left", fontsize=7, ncol=5)
    bottom.plot(x, equity.reindex(daily.index).to_numpy(dtype=float), "o-", color="tab:green")
    bottom.set_ylabel("equity (USD)")
    bottom.set_xticks(x, list(daily.index), rotation=30, fontsize=7)
    fig.suptitle(f"{user[:10]}… to {date}: PnL split and equity")
    path = folder / f"pnl-{user}-{date}.png"
    return save_png(fig, path, dpi=70)


def wallet_plots(root: Location, dates: Sequence[str], coins: Sequence[str]) -> dict[str, dict[str, Path]]:
    """{date: {name: PNG}} for the days with profiles: ``whale_flow_<COIN>`` per coin with candles and
    ``pnl_<user>`` for the PNL_WALLETS largest profiled wallets with PnL rows in the window."""
    folder = report_dir(root, "wallets")
    out: dict[str, dict[str, Path]] = {}
    for date in dates:
        profiles = read_range(root, "wallet_profiles", [date]).to_pandas()
        if profiles.empty:
            continue
        window = [shift(date, -k) for k in range(WINDOW_DAYS - 1, -1, -1)]
        plots = out.setdefault(date, {})
        whales = set(profiles.loc[profiles["kind"] == "whale", "user"])
        candles = read_range(root, "candles", [date], list(coins))
        candles = candles.filter(
            pc.and_(pc.equal(candles["interval"], "1m"), pc.equal(candles["source"], "api"))
        )
        candles_df = _with_ms(candles.to_pandas())
        fills = _with_ms(read_range(root, "wallet_fills", [date], list(coins)).to_pandas())
        for coin in coins:
            path = whale_flow_plot(
                folder,
                date,
                coin,
                candles_df[candles_df["coin"] == coin].sort_values("time"),
                fills[fills["coin"] == coin],
                whales,
            )
            if path is not None:
                plots[f"whale_flow_{coin}"] = path
        pnl = read_range(root, "wallet_pnl", window, list(coins), with_date=True).to_pandas()
        history = read_range(root, "wallet_profiles", window, with_date=True).to_pandas()
        largest = profiles.sort_values("volume_usd", ascending=False)["user"]
        for user in [u for u in largest if (pnl["user"] == u).any()][:PNL_WALLETS]:
            equity = history[history["user"] == user].set_index("date")["equity_usd"]
            plots[f"pnl_{user}"] = pnl_plot(folder, date, user, pnl[pnl["user"] == user], equity)
    return out

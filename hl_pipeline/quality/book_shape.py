"""Book snapshots (one row per level) reduced to one row per snapshot, the unit the book checks judge."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.quality.ordering import with_ms_since_previous


def snapshot_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per (coin, time), in order of first appearance: level counts per side, best prices and
    sizes, whether levels are ordered (bids descending, asks ascending) and numbered 0..n-1,
    the smallest size and price, the step from the previous snapshot, and the partition date."""
    keys = ["coin", "time"]
    snap = df.groupby(keys, sort=False).ngroup().to_numpy()
    bid = df["side"].eq("bid").to_numpy()
    order = np.lexsort((df["level"].to_numpy(), ~bid, snap))
    snap, bid = snap[order], bid[order]
    px, sz, level = (df[c].to_numpy()[order] for c in ("px", "sz", "level"))
    group = snap * 2 + bid
    starts = np.r_[True, group[1:] != group[:-1]]
    same = ~starts
    step = np.r_[0.0, np.diff(px)]
    misordered = same & np.where(bid, step >= 0, step <= 0)
    rank = np.arange(len(group)) - np.maximum.accumulate(np.where(starts, np.arange(len(group)), 0))
    top = level == 0
    rows = pd.DataFrame(
        {
            "snap": snap,
            "bid": bid,
            "ask": ~bid,
            "misordered": misordered,
            "misnumbered": level != rank,
            "bid_px": np.where(bid, px, np.nan),
            "ask_px": np.where(bid, np.nan, px),
            "bid_sz0": np.where(bid & top, sz, np.nan),
            "ask_sz0": np.where(~bid & top, sz, np.nan),
            "sz": sz,
            "px": px,
        }
    )
    agg = rows.groupby("snap", sort=True).agg(
        bid_levels=("bid", "sum"),
        ask_levels=("ask", "sum"),
        best_bid=("bid_px", "max"),
        best_ask=("ask_px", "min"),
        bid_sz0=("bid_sz0", "max"),
        ask_sz0=("ask_sz0", "max"),
        misordered=("misordered", "any"),
        misnumbered=("misnumbered", "any"),
        min_sz=("sz", "min"),
        min_px=("px", "min"),
    )
    first = df.drop_duplicates(keys)[keys + (["date"] if "date" in df.columns else [])].reset_index(drop=True)
    out = pd.concat([first, agg.reset_index(drop=True)], axis=1)
    out["crossed"] = out["best_bid"] >= out["best_ask"]  # False when a side is empty: counts catch that
    out["levels_ordered"] = ~(out.pop("misordered") | out.pop("misnumbered"))
    return with_ms_since_previous(out, ["coin"])


def stale_stretches(summary: pd.DataFrame, min_seconds: float) -> list[dict]:
    """Runs of consecutive snapshots of a coin whose top of book (best prices and sizes) did not
    change for at least `min_seconds`: a frozen feed looks like this."""
    found = []
    top = ["best_bid", "bid_sz0", "best_ask", "ask_sz0"]
    for coin, snaps in summary.groupby("coin", sort=True):
        values = snaps[top].to_numpy()
        changed = np.r_[True, (values[1:] != values[:-1]).any(axis=1)]
        first = np.flatnonzero(changed)
        last = np.r_[first[1:] - 1, len(changed) - 1]
        times = snaps["time"].to_numpy()
        seconds = (times[last] - times[first]) / np.timedelta64(1, "s")
        for a, b, sec in zip(first, last, seconds):
            if b > a and sec >= min_seconds:
                found.append(
                    {
                        "coin": coin,
                        "start": pd.Timestamp(times[a]).isoformat(),
                        "end": pd.Timestamp(times[b]).isoformat(),
                        "snapshots": int(b - a + 1),
                        "seconds": float(sec),
                    }
                )
    return found

"""Order-book features from the last snapshot known at the bar's close.

The snapshot used at a bar closing at C is the latest (by exchange time) with time < C and
receive_time <= C that has both a best bid and a best ask; older than BOOK_MAX_AGE_MS, the book
counts as missing.
"""

from __future__ import annotations

import numpy as np

from hl_pipeline.ml.features.bars import CoinBars
from hl_pipeline.ml.features.catalog import BOOK_MAX_AGE_MS
from hl_pipeline.ml.pointintime import asof_latest, take

DEPTH_BPS = (10, 25, 50)
TOP_LEVELS = 5


def _chosen(bars: CoinBars) -> tuple[np.ndarray, np.ndarray]:
    """Per bar: the exchange time of the snapshot used and whether one was usable."""
    if "book" in bars.cache:
        return bars.cache["book"]
    rows = bars.book
    t = rows["time"].to_numpy()
    top = rows["level"].to_numpy() == 0
    bid = top & (rows["side"].to_numpy() == "bid")
    ask = top & ~bid
    snap, inverse = np.unique(t, return_inverse=True)
    received = np.full(len(snap), np.iinfo(np.int64).min)
    np.maximum.at(received, inverse, rows["receive_time"].to_numpy())
    two_sided = (np.bincount(inverse, bid, len(snap)) > 0) & (np.bincount(inverse, ask, len(snap)) > 0)
    snap, received = snap[two_sided], received[two_sided]
    pos = asof_latest(np.maximum(snap + 1, received), snap, bars.closes_at)
    used = take(snap, pos, 0)
    ok = (pos >= 0) & (bars.closes_at - used <= BOOK_MAX_AGE_MS)
    bars.cache["book"] = used, ok
    return used, ok


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    used, ok = _chosen(bars)
    names = [
        "spread_bps",
        *(f"depth_{b}bps" for b in DEPTH_BPS),
        "imbalance_l0",
        "imbalance_top5",
        "microprice_dev_bps",
        "book_age_s",
    ]
    out = {name: np.full(len(used), np.nan) for name in names}
    if not ok.any():
        return out
    snaps = np.unique(used[ok])
    rows = bars.book[np.isin(bars.book["time"].to_numpy(), snaps)]
    sid = np.searchsorted(snaps, rows["time"].to_numpy())
    n = len(snaps)
    px, sz, level = rows["px"].to_numpy(), rows["sz"].to_numpy(), rows["level"].to_numpy()
    is_bid = rows["side"].to_numpy() == "bid"

    def at_top(side_mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.full(n, np.nan)
        m = side_mask & (level == 0)
        out[sid[m]] = values[m]
        return out

    bid_px, ask_px = at_top(is_bid, px), at_top(~is_bid, px)
    bid_sz, ask_sz = at_top(is_bid, sz), at_top(~is_bid, sz)
    mid = (bid_px + ask_px) / 2
    top = level < TOP_LEVELS
    top_bid = np.bincount(sid, sz * (top & is_bid), n)
    top_ask = np.bincount(sid, sz * (top & ~is_bid), n)
    distance = np.abs(px - mid[sid]) / mid[sid] * 1e4
    micro = (bid_px * ask_sz + ask_px * bid_sz) / (bid_sz + ask_sz)
    per_snap = {
        "spread_bps": (ask_px - bid_px) / mid * 1e4,
        **{f"depth_{b}bps": np.bincount(sid, px * sz * (distance <= b), n) for b in DEPTH_BPS},
        "imbalance_l0": (bid_sz - ask_sz) / (bid_sz + ask_sz),
        "imbalance_top5": (top_bid - top_ask) / (top_bid + top_ask),
        "microprice_dev_bps": (micro - mid) / mid * 1e4,
    }
    where = np.searchsorted(snaps, used[ok])
    for name, values in per_snap.items():
        out[name][ok] = values[where]
    out["book_age_s"][ok] = (bars.closes_at[ok] - used[ok]) / 1000
    return out


def missing(bars: CoinBars) -> dict[str, np.ndarray]:
    return {"book_missing": ~_chosen(bars)[1]}

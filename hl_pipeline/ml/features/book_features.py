"""Order-book features from the last snapshot known at the bar's close.

The snapshot used at a bar closing at C is the latest (by exchange time) with time < C and
receive_time <= C that has both a best bid and a best ask; older than BOOK_MAX_AGE_MS, the book
counts as missing. A snapshot is one message: the rows sharing an exchange time and a receive
time (the collector and the archive stamp each message once). A book received twice, e.g. over
REST on reconnecting and again on the stream, is two snapshots: each is usable from its own
receipt (the later one does not delay the first), and their rows are never added together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.ml.features.bars import CoinBars
from hl_pipeline.ml.features.catalog import BOOK_MAX_AGE_MS
from hl_pipeline.ml.pointintime import asof_latest, take

DEPTH_BPS = (10, 25, 50)
TOP_LEVELS = 5


def _snapshots(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each snapshot's exchange and receive time (sorted by both), and each row's snapshot."""
    t, r = rows["time"].to_numpy(), rows["receive_time"].to_numpy()
    order = np.lexsort((r, t))
    ts, rs = t[order], r[order]
    first = np.r_[True, (ts[1:] != ts[:-1]) | (rs[1:] != rs[:-1])] if len(t) else np.zeros(0, bool)
    inverse = np.empty(len(t), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ts[first], rs[first], inverse


def _chosen(bars: CoinBars) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per bar: the exchange time of the snapshot used, whether one was usable and which it is
    (-1 if none); and each book row's snapshot."""
    if "book" in bars.cache:
        return bars.cache["book"]
    rows = bars.book
    top = rows["level"].to_numpy() == 0
    bid = top & (rows["side"].to_numpy() == "bid")
    ask = top & ~bid
    snap, received, inverse = _snapshots(rows)
    two_sided = (np.bincount(inverse, bid, len(snap)) > 0) & (np.bincount(inverse, ask, len(snap)) > 0)
    ids = np.flatnonzero(two_sided)
    pos = asof_latest(np.maximum(snap[ids] + 1, received[ids]), snap[ids], bars.closes_at)
    used = take(snap[ids], pos, 0)
    ok = (pos >= 0) & (bars.closes_at - used <= BOOK_MAX_AGE_MS)
    bars.cache["book"] = used, ok, take(ids, pos, -1), inverse
    return bars.cache["book"]


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    used, ok, chosen, of_row = _chosen(bars)
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
    snaps = np.unique(chosen[ok])
    in_snaps = np.isin(of_row, snaps)
    rows = bars.book[in_snaps]
    sid = np.searchsorted(snaps, of_row[in_snaps])
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
    where = np.searchsorted(snaps, chosen[ok])
    for name, values in per_snap.items():
        out[name][ok] = values[where]
    out["book_age_s"][ok] = (bars.closes_at[ok] - used[ok]) / 1000
    return out


def missing(bars: CoinBars) -> dict[str, np.ndarray]:
    return {"book_missing": ~_chosen(bars)[1]}

"""Order-flow features from public trades: signed volume, imbalances, large trades, wallets.

A trade belongs to the bar its exchange time falls in, and is used only if it was received by
that bar's close (a late trade is left out rather than moved). The trade feed counts as missing
at a bar when no trade was known within TRADES_MAX_SILENCE_MS before its close; a live feed
with an empty bar gives zeros, not NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.ml.features.bars import CoinBars
from hl_pipeline.ml.features.catalog import LARGE_TRADE_NOTIONAL, TOP_WALLETS, TRADES_MAX_SILENCE_MS
from hl_pipeline.ml.pointintime import asof_latest, take


def missing(bars: CoinBars) -> dict[str, np.ndarray]:
    t = bars.trades["time"].to_numpy()
    known = np.maximum(t + 1, bars.trades["receive_time"].to_numpy())
    pos = asof_latest(known, t, bars.closes_at)
    last = take(t, pos, np.iinfo(np.int64).min // 2)
    return {"trades_missing": bars.closes_at - last > TRADES_MAX_SILENCE_MS}


def _wallet_stats(
    bucket: np.ndarray, trades: pd.DataFrame, notional: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per bar: distinct wallets, and the notional traded by its TOP_WALLETS largest wallets."""
    wallets, _ = pd.factorize(np.concatenate([trades["buyer"].to_numpy(), trades["seller"].to_numpy()]))
    key = np.tile(bucket, 2).astype(np.int64) * (wallets.max(initial=0) + 1) + wallets
    pairs, inverse = np.unique(key, return_inverse=True)
    per_pair = np.bincount(inverse, np.tile(notional, 2), len(pairs))
    pair_bucket = pairs // (wallets.max(initial=0) + 1)
    distinct = np.bincount(pair_bucket, minlength=n).astype(float)
    order = np.lexsort((-per_pair, pair_bucket))
    first = np.searchsorted(pair_bucket[order], pair_bucket[order], side="left")
    rank = np.arange(len(order)) - first
    top = np.bincount(pair_bucket[order], per_pair[order] * (rank < TOP_WALLETS), n)
    return distinct, top


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    n = len(bars.times)
    tr = bars.trades
    t = tr["time"].to_numpy()
    bucket = (t - bars.times[0]) // bars.bar_ms if n else t
    inside = (bucket >= 0) & (bucket < n)
    closes = bars.closes_at[np.clip(bucket, 0, max(n - 1, 0))] if n else t
    inside &= tr["receive_time"].to_numpy() <= closes
    tr, bucket = tr[inside], bucket[inside]
    sz = tr["sz"].to_numpy()
    notional = sz * tr["px"].to_numpy()
    buy = tr["side"].to_numpy() == "B"
    sign = np.where(buy, 1.0, -1.0)
    count = np.bincount(bucket, minlength=n).astype(float)
    volume = np.bincount(bucket, sz, n)
    signed = np.bincount(bucket, sz * sign, n)
    distinct, top = _wallet_stats(bucket, tr, notional, n)
    total_notional = np.bincount(bucket, notional, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {
            "signed_volume": signed,
            "flow_imbalance": np.where(volume > 0, signed / volume, 0.0),
            "trade_count_imbalance": np.where(count > 0, np.bincount(bucket, sign, n) / count, 0.0),
            "large_trades": np.bincount(bucket, notional >= LARGE_TRADE_NOTIONAL, n),
            "distinct_wallets": distinct,
            "top_wallet_share": np.where(
                total_notional > 0, np.minimum(top / (2 * total_notional), 1.0), 0.0
            ),
        }
    gone = missing(bars)["trades_missing"]
    out = {
        name: np.where(gone, np.nan, values).astype(float) for name, values in out.items()
    }  # bincount of nothing is int
    signed, volume, count = (np.where(gone, np.nan, x) for x in (signed, volume, count))

    def last_15(x: np.ndarray) -> np.ndarray:
        return pd.Series(x).rolling(15, min_periods=15).sum().to_numpy()

    s15, v15, c15 = last_15(signed), last_15(volume), last_15(count)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["flow_imbalance_15"] = np.where(
            c15 > 0.5, np.clip(s15 / v15, -1, 1), np.where(np.isnan(c15), np.nan, 0.0)
        )
    return out

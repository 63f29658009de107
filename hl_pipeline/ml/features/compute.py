"""Entry points: the feature matrix for a window of bars, for one day, and the tails a day needs.

`inputs` maps lake dataset names (``candles``, ``book_snapshots``, ``trades``, ``funding``,
``asset_contexts``; the venues' ``venue_candles``, ``venue_funding``, ``venue_open_interest``; the
wallets' ``wallet_fills`` and ``wallet_profiles``, the latter not per coin) to pandas frames in their
lake schemas (with ``coin`` where the lake splits by coin); an absent dataset is an
input missing everywhere. Rows are cropped to each dataset's declared lookback before use, so a
window's features depend on nothing older than `input_windows` names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.lake.paths import check_date
from hl_pipeline.ml.features import (
    book_features,
    calendar,
    candle_features,
    context_features,
    cross_asset,
    higher_timeframe,
    trade_features,
    venue_features,
    wallet_features,
)
from hl_pipeline.ml.features.bars import CANDLE_FIELDS, CoinBars, candle_grid
from hl_pipeline.ml.features.catalog import (
    FEATURES,
    FLAGS,
    REFERENCE_COIN,
    bar_ms,
    input_lookback_ms,
    resolve,
)
from hl_pipeline.ml.pointintime import ms

GROUPS = {
    "candles": candle_features.compute,
    "htf": higher_timeframe.compute,
    "book": book_features.compute,
    "trades": trade_features.compute,
    "context": context_features.compute,
    "cross": cross_asset.compute,
    "venues": venue_features.compute,
    "wallets": wallet_features.compute,
    "calendar": calendar.compute,
}
MISSING = (
    candle_features.missing,
    cross_asset.missing,
    book_features.missing,
    trade_features.missing,
    context_features.missing,
    venue_features.missing,
    wallet_features.missing,
)
COLUMNS = {
    "candles": ("coin", "time", "close_time", *CANDLE_FIELDS),
    "book_snapshots": ("coin", "time", "side", "level", "px", "sz", "receive_time"),
    "trades": ("coin", "time", "px", "sz", "side", "buyer", "seller", "receive_time"),
    "funding": ("coin", "time", "funding_rate", "premium"),
    "asset_contexts": ("coin", "time", "open_interest"),
    "venue_candles": ("coin", "time", "venue", "close"),
    "venue_funding": ("coin", "time", "venue", "funding_rate_hourly"),
    "venue_open_interest": ("coin", "time", "venue", "open_interest"),
    "wallet_fills": ("coin", "time", "user", "sz", "side", "start_position", "liquidation"),
    "wallet_profiles": ("time", "user", "kind"),
}
"""The columns each input dataset must have (more are ignored); one without ``coin`` serves every coin."""
_TIMES = ("time", "close_time", "receive_time")


def input_windows(start_ms: int, end_ms: int, bar: str = "1m") -> dict[str, tuple[int, int]]:
    """Per dataset: the span of exchange time [first, end) features for bars in [start_ms, end_ms) read."""
    reach = input_lookback_ms(FEATURES, bar)
    return {dataset: (start_ms - reach.get(dataset, 0), end_ms) for dataset in COLUMNS}


def _prepared(
    inputs: Mapping[str, pd.DataFrame], windows: dict[str, tuple[int, int]]
) -> dict[str, dict[str, pd.DataFrame]]:
    """Each dataset cropped to its window, time columns as int64 ms, split by coin."""
    unknown = sorted(set(inputs) - set(COLUMNS))
    if unknown:
        raise ValueError(f"unknown input dataset(s) {unknown}; features read {sorted(COLUMNS)}")
    out = {}
    for dataset, columns in COLUMNS.items():
        frame = inputs.get(dataset)
        if frame is None:
            frame = pd.DataFrame({c: pd.Series(dtype="int64" if c in _TIMES else object) for c in columns})
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise ValueError(f"input {dataset!r} lacks column(s) {absent}")
        if dataset == "candles" and "interval" in frame.columns:
            frame = frame[frame["interval"] == "1m"]
        frame = frame[list(columns)].copy()
        for c in _TIMES:
            if c in frame.columns:
                frame[c] = ms(frame[c])
        lo, hi = windows[dataset]
        frame = frame[(frame["time"] >= lo) & (frame["time"] < hi)].sort_values("time", kind="stable")
        if "coin" not in columns:
            out[dataset] = {"": frame}
            continue
        empty = frame.iloc[:0].drop(columns="coin")
        by_coin = {str(coin): rows.drop(columns="coin") for coin, rows in frame.groupby("coin", sort=False)}
        out[dataset] = {"": empty, **by_coin}
    return out


def compute_features(
    inputs: Mapping[str, pd.DataFrame],
    start_ms: int,
    end_ms: int,
    *,
    bar: str = "1m",
    coins: Iterable[str] | None = None,
    features: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per coin per bar opening in [start_ms, end_ms): coin, time, interval, the features
    (all, or those named), and every ``<input>_missing`` flag."""
    step = bar_ms(bar)
    specs = resolve(features)
    if start_ms % step or end_ms % step or end_ms <= start_ms:
        raise ValueError(f"window [{start_ms}, {end_ms}) must be non-empty and aligned to {bar} bars")
    windows = input_windows(start_ms, end_ms, bar)
    data = _prepared(inputs, windows)
    coins = sorted(set(coins) if coins is not None else set(data["candles"]) - {""})
    reach = max(f.lookback_ms(bar) for f in FEATURES)
    grid_start = start_ms - -(-reach // step) * step
    times = np.arange(grid_start, end_ms, step, dtype=np.int64)
    first = (start_ms - grid_start) // step

    def grid(coin: str) -> dict[str, np.ndarray]:
        return candle_grid(data["candles"].get(coin, data["candles"][""]), grid_start, end_ms, step)

    btc_close = grid(REFERENCE_COIN)["close"]
    groups = list(dict.fromkeys(f.group for f in specs))
    names = [f.name for f in specs] + list(FLAGS)
    rows_per_coin = len(times) - first
    out = {
        name: np.empty(len(coins) * rows_per_coin, dtype=bool if name in FLAGS else float) for name in names
    }
    for k, coin in enumerate(coins):
        rows = {d: data[d].get(coin, data[d][""]) for d in COLUMNS if d != "candles"}
        bars = CoinBars(
            coin,
            step,
            times,
            grid(coin),
            btc_close,
            rows["book_snapshots"],
            rows["trades"],
            rows["funding"],
            rows["asset_contexts"],
            rows["venue_candles"],
            rows["venue_funding"],
            rows["venue_open_interest"],
            rows["wallet_fills"],
            rows["wallet_profiles"],
        )
        values: dict[str, np.ndarray] = {}
        for group in groups:
            values.update(GROUPS[group](bars))
        for flags in MISSING:
            values.update(flags(bars))
        for name in names:
            out[name][k * rows_per_coin : (k + 1) * rows_per_coin] = values[name][first:]
    head = {
        "coin": np.repeat(np.array(coins, dtype=object), rows_per_coin),
        "time": pd.Series(np.tile(times[first:], len(coins)).astype("datetime64[ms]")).dt.tz_localize("UTC"),
        "interval": np.full(len(coins) * rows_per_coin, bar, dtype=object),
    }
    return pd.DataFrame({**head, **out}, copy=False)


def features_for_day(
    date: str,
    inputs: Mapping[str, pd.DataFrame],
    *,
    bar: str = "1m",
    coins: Iterable[str] | None = None,
    features: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The features of day `date` (UTC); `inputs` must hold that day and the tails `lookback_days` names."""
    start = day_start_ms(check_date(date))
    return compute_features(inputs, start, start + DAY_MS, bar=bar, coins=coins, features=features)

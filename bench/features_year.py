"""Features and labels for a year of 1m bars for 5 coins, from synthetic candles, funding and
asset contexts (book and trade features come out missing: no such inputs here).

Measures the full backfill in one pass (in a fresh process, for its peak memory) and the time
to compute one more day on top of N days of history, reading only the partitions the day needs.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import peak_rss_mb, save, table

COINS = ("BTC", "ETH", "SOL", "BNB", "ARB")
START = 1_704_067_200_000  # 2024-01-01 UTC
DAY = 86_400_000
DAYS = 365
HISTORY = (30, 180, 365)


def _ts(values: np.ndarray) -> pd.Series:
    return pd.Series(values.astype("datetime64[ms]")).dt.tz_localize("UTC")


def synthetic_inputs(days: int, seed: int = 1) -> dict[str, pd.DataFrame]:
    """Correlated random-walk 1m candles, hourly funding and daily open interest for COINS."""
    rng = np.random.default_rng(seed)
    n = days * 1440
    t = START + np.arange(n, dtype=np.int64) * 60_000
    market = rng.normal(0, 8e-4, n)
    candles, funding, contexts = [], [], []
    for i, coin in enumerate(COINS):
        close = 100.0 * (i + 1) * np.exp(np.cumsum(market * (0.8 + 0.1 * i) + rng.normal(0, 5e-4, n)))
        open_ = np.r_[close[0], close[:-1]]
        wiggle = np.abs(rng.normal(0, 3e-4, (2, n))) * close
        candles.append(
            pd.DataFrame(
                {
                    "coin": coin,
                    "interval": "1m",
                    "time": t,
                    "close_time": t + 59_999,
                    "open": open_,
                    "high": np.maximum(open_, close) + wiggle[0],
                    "low": np.minimum(open_, close) - wiggle[1],
                    "close": close,
                    "volume": rng.lognormal(2, 1, n),
                    "trades": rng.poisson(30, n),
                }
            )
        )
        hours = START + np.arange(days * 24, dtype=np.int64) * 3_600_000
        funding.append(
            pd.DataFrame(
                {
                    "coin": coin,
                    "time": hours,
                    "funding_rate": rng.normal(1e-5, 2e-5, len(hours)),
                    "premium": rng.normal(0, 3e-4, len(hours)),
                }
            )
        )
        contexts.append(
            pd.DataFrame(
                {
                    "coin": coin,
                    "time": START + np.arange(days, dtype=np.int64) * DAY + 300_000,
                    "open_interest": rng.lognormal(15, 0.2, days),
                }
            )
        )
    out = {
        "candles": pd.concat(candles, ignore_index=True),
        "funding": pd.concat(funding, ignore_index=True),
        "asset_contexts": pd.concat(contexts, ignore_index=True),
    }
    for frame in out.values():
        for c in ("time", "close_time"):
            if c in frame.columns:
                frame[c] = _ts(frame[c].to_numpy())
    return out


def _full_backfill(days: int) -> dict:
    """In a fresh process: features and labels over the whole range in one pass."""
    from hl_pipeline.ml.features.compute import compute_features
    from hl_pipeline.ml.labels import compute_labels

    inputs = synthetic_inputs(days + 1)
    started = time.perf_counter()
    features = compute_features(inputs, START, START + days * DAY)
    feature_s = time.perf_counter() - started
    labels = compute_labels(inputs["candles"], START, START + days * DAY)
    total_s = time.perf_counter() - started
    return {
        "feature_s": feature_s,
        "label_s": total_s - feature_s,
        "total_s": total_s,
        "feature_rows": len(features),
        "label_rows": len(labels),
        "peak_mib": peak_rss_mb(),
    }


def _by_day(inputs: dict[str, pd.DataFrame]) -> dict[str, dict[int, pd.DataFrame]]:
    """Each dataset split into daily partitions (day index from START), as the lake holds them."""
    from hl_pipeline.ml.pointintime import ms

    out = {}
    for name, frame in inputs.items():
        day = (ms(frame["time"]) - START) // DAY
        out[name] = {int(d): rows for d, rows in frame.groupby(day)}
    return out


def _one_more_day(partitions: dict[str, dict[int, pd.DataFrame]], n: int) -> float:
    """Seconds to compute day `n` (after n days of history): read its partitions and lookback tails,
    compute."""
    from hl_pipeline.lake.calendar import date_of_ms
    from hl_pipeline.ml.features.catalog import lookback_days
    from hl_pipeline.ml.features.compute import features_for_day
    from hl_pipeline.ml.labels import labels_for_day

    date = date_of_ms(START + n * DAY)
    started = time.perf_counter()
    inputs = {
        name: pd.concat([days[d] for d in range(n - lookback_days().get(name, 0), n + 1) if d in days])
        for name, days in partitions.items()
    }
    features_for_day(date, inputs)
    candles = partitions["candles"]
    labels_for_day(date, candles[n], candles.get(n + 1))
    return time.perf_counter() - started


def main(work: Path) -> dict:
    """`work` is unused (everything is in memory); kept for the shared benchmark signature."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        full = pool.submit(_full_backfill, DAYS).result()
    partitions = _by_day(synthetic_inputs(max(HISTORY) + 2))
    _one_more_day(partitions, 5)  # warm-up: imports, first allocations
    incremental = {n: min(_one_more_day(partitions, n) for _ in range(3)) for n in HISTORY}
    rows = [
        {
            "measure": f"full backfill, {DAYS} days x {len(COINS)} coins (features + labels)",
            "seconds": f"{full['total_s']:.1f}",
            "detail": f"features {full['feature_s']:.1f} s, labels {full['label_s']:.1f} s; "
            f"{full['feature_rows']:,} feature rows, {full['label_rows']:,} label rows; "
            f"peak {full['peak_mib']:.0f} MiB",
        },
        *(
            {
                "measure": f"one more day after {n} days of history",
                "seconds": f"{s:.2f}",
                "detail": "reads the day and its lookback partitions only",
            }
            for n, s in incremental.items()
        ),
    ]
    print(table(rows))
    payload = {"full": full, "one_more_day_s": incremental, "coins": list(COINS), "days": DAYS}
    save("features_year", payload)
    return payload


if __name__ == "__main__":
    main(Path("."))

"""The simulator's price path as a market: stylised facts of 1m candles at strength 0 (issue 11),
the planted signal's stated against measured information coefficient, and the time to compute a
day of 1m candles for one coin (cold: nothing cached; warm: the same day again)."""

from __future__ import annotations

import statistics
import time

import numpy as np

from bench.common import save, table
from hl_pipeline.simulator import pricepath, signal
from hl_pipeline.simulator.config import DEFAULT_COINS, LISTING_MS
from hl_pipeline.simulator.minutes import minute_candles
from hl_pipeline_tests.simulator import stylised as st

DAY_MIN = 1440
FIRST = LISTING_MS // 60_000 + 420 * DAY_MIN  # the facts' window: 420 days after listing
SEEDS = (1, 2, 3)
FACT_DAYS = 3
IC_SEEDS = range(1, 21)  # one window each, 37 days apart: the volatility regime averages out
IC_DAYS = 3
REPEATS = 15


def _timed(m0s: list[int], cold: bool) -> float:
    """Median ms of minute_candles for one coin over the day starting at each minute index."""
    walls = []
    for m0 in m0s:
        if cold:
            pricepath._day.cache_clear()
            pricepath._days.cache_clear()
        started = time.perf_counter()
        minute_candles(1, 0, DEFAULT_COINS[0], m0, m0 + DAY_MIN)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls) * 1000


def timing(repeats: int = REPEATS) -> dict:
    """A day of BTC 1m candles: cold (the path's caches emptied) and warm (the same day again), median ms."""
    cold = _timed([FIRST + k * DAY_MIN for k in range(repeats)], cold=True)
    warm = _timed([FIRST] * repeats, cold=False)
    return {"runs": repeats, "cold ms": f"{cold:.2f}", "warm ms": f"{warm:.2f}"}


def facts(seeds: tuple[int, ...] = SEEDS, days: int = FACT_DAYS) -> dict:
    """Strength 0, every default coin: the stylised facts of close-to-close 1m log returns."""
    acfs, kurts, abs_acfs, corrs, lagged, seasons = [], [], [], [], [], []
    for seed in seeds:
        r = st.returns(seed, FIRST, FIRST + days * DAY_MIN + 1)
        acfs += [st.acf(x, range(1, 11)) for x in r]
        abs_acfs += [st.acf(np.abs(x), range(1, 31)) for x in r]
        kurts += [st.excess_kurtosis(x) for x in r]
        corrs.append(st.pair_corrs(r).mean())
        lagged.append(np.abs(st.pair_corrs(r, 1)).mean())
        seasons.append(st.season_corr(r, FIRST))
    a, b = np.array(acfs), np.array(abs_acfs)
    return {
        "returns per series": days * DAY_MIN,
        "acf lags 1-5 (mean)": np.round(a[:, :5].mean(axis=0), 3).tolist(),
        "max |acf| lags 1-10": round(float(np.abs(a).max()), 3),
        "excess kurtosis (min, median)": [round(min(kurts), 1), round(statistics.median(kurts), 1)],
        "|r| acf lags 1, 5, 30 (mean)": np.round(b[:, [0, 4, 29]].mean(axis=0), 3).tolist(),
        "cross-coin corr (mean)": round(float(np.mean(corrs)), 3),
        "lag-1 cross-coin |corr| (mean)": round(float(np.mean(lagged)), 3),
        "hourly |r| vs season corr (mean)": round(float(np.mean(seasons)), 3),
    }


def ic_rows(strengths: tuple[float, ...] = (0.5, 1.0), horizons: tuple[int, ...] = (5, 15, 60)) -> list[dict]:
    """Stated against measured IC, pooled over every coin of IC_SEEDS windows; se from the seeds' spread."""
    rows = []
    for strength in strengths:
        windows = []
        for seed in IC_SEEDS:
            m0 = LISTING_MS // 60_000 + (50 + 37 * seed) * DAY_MIN
            windows.append(st.log_closes(seed, m0, m0 + IC_DAYS * DAY_MIN + max(horizons) + 1, strength))
        for horizon in horizons:
            per_seed = [np.corrcoef(*st.momentum_pairs(w, horizon))[0, 1] for w in windows]
            pooled = np.corrcoef(*st.momentum_pairs(np.concatenate(windows), horizon))[0, 1]
            rows.append(
                {
                    "strength": strength,
                    "horizon min": horizon,
                    "stated": f"{signal.information_coefficient(strength, horizon):.3f}",
                    "measured": f"{pooled:.3f}",
                    "se": f"{np.std(per_seed) / np.sqrt(len(per_seed)):.3f}",
                }
            )
    return rows


def main() -> dict:
    fact = facts()
    ics = ic_rows()
    speed = timing()
    print(table([{"fact": k, "value": v} for k, v in fact.items()]))
    print(table(ics))
    print(table([speed]))
    payload = {"facts": fact, "ic": ics, "timing": speed}
    save("null_market", payload)
    return payload


if __name__ == "__main__":
    main()

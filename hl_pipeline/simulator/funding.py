"""Hourly funding rows: premium from noise, rate = premium + clamp(interest - premium), per hour."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.simulator.hashing import hash64, normal, stream_key
from hl_pipeline.simulator.numbers import fmt_dec, fmt_sig

_INTEREST_8H = 0.0001
_CLAMP_8H = 0.0005


def funding_at(seed: int, coin_id: int, hours: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For hour indices: (row time ms, hourly funding rate, premium)."""
    key = stream_key(seed, coin_id, 4)
    slow = normal(key, hours // 24) * 0.0004  # a regime per day
    premium = np.round(slow + normal(key, hours * 7 + 3) * 0.00015, 8)
    rate = (premium + np.clip(_INTEREST_8H - premium, -_CLAMP_8H, _CLAMP_8H)) / 8.0
    jitter = (hash64(stream_key(seed, coin_id, 5), hours) % np.uint64(500)).astype(np.int64)
    return hours * HOUR_MS + jitter, rate, premium


def funding_rows(
    seed: int, coin_id: int, coin: str, start_ms: int, end_ms: int, listing_ms: int, cap: int
) -> list[dict]:
    """Funding rows with start_ms <= time <= end_ms, ascending, at most `cap`."""
    h0 = max(start_ms // HOUR_MS, -(-listing_ms // HOUR_MS))
    h1 = min(end_ms // HOUR_MS + 1, h0 + cap + 1)
    if h1 <= h0:
        return []
    times, rates, premiums = funding_at(seed, coin_id, np.arange(h0, h1, dtype=np.int64))
    keep = (times >= start_ms) & (times <= end_ms)
    return [
        {"coin": coin, "fundingRate": fmt_sig(r, 6), "premium": fmt_dec(p, 8), "time": t}
        for t, r, p in zip(times[keep].tolist(), rates[keep].tolist(), premiums[keep].tolist())
    ][:cap]


def predicted_fundings(seed: int, coins: list[str], now_ms: int) -> list:
    """predictedFundings: the next hourly rate of each perp here, and 8-hourly ones on two other venues."""
    hour = np.asarray([now_ms // HOUR_MS + 1])
    out = []
    for coin_id, coin in enumerate(coins):
        rate = float(funding_at(seed, coin_id, hour)[1][0])
        eight = (now_ms // (8 * HOUR_MS) + 1) * 8 * HOUR_MS
        venues = [
            [
                "BinPerp",
                {
                    "fundingRate": fmt_sig(rate * 8 * 0.9, 6),
                    "nextFundingTime": eight,
                    "fundingIntervalHours": 8,
                },
            ],
            [
                "HlPerp",
                {
                    "fundingRate": fmt_sig(rate, 6),
                    "nextFundingTime": int(hour[0]) * HOUR_MS,
                    "fundingIntervalHours": 1,
                },
            ],
            [
                "BybitPerp",
                {
                    "fundingRate": fmt_sig(rate * 8 * 1.1, 6),
                    "nextFundingTime": eight,
                    "fundingIntervalHours": 8,
                },
            ],
        ]
        out.append([coin, venues])
    return out

"""Candles of any interval for a window, through per-day caches of 5-minute and hourly aggregates."""

from __future__ import annotations

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, INTERVAL_MS, MINUTE_MS
from hl_pipeline.simulator.aggregate import aggregate
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.minutes import Candles, empty, minute_candles

_CHUNK_DAYS = 20  # days of minutes generated per vectorised call when filling the caches
FIVE_MS = 5 * MINUTE_MS
BASES = ("5m", "1h")
"""The cached aggregates: an interval that is a whole number of either is built from it (aggregating
is associative: first open, last close, extreme highs and lows, summed integer volume and counts)."""


class CandleSource:
    """1m candles of one coin and their aggregates; 5m and 1h bars of past days are cached, both
    filled from one pass over the minutes (a backfill asks for 1m, then 5m, 15m, 1h, ... of the
    same days: the minutes are generated twice, not once per interval)."""

    def __init__(self, seed: int, coin_id: int, spec: CoinSpec, listing_ms: int):
        self.seed, self.coin_id, self.spec = seed, coin_id, spec
        self.first_minute = listing_ms // MINUTE_MS
        self._days: dict[str, dict[int, Candles]] = {base: {} for base in BASES}

    def minutes(self, start_ms: int, end_ms: int) -> Candles:
        """1m candles opening in [start_ms, end_ms)."""
        m0 = max(-(-start_ms // MINUTE_MS), self.first_minute)
        return minute_candles(self.seed, self.coin_id, self.spec, m0, -(-end_ms // MINUTE_MS))

    def hours(self, start_ms: int, end_ms: int) -> Candles:
        """Hourly aggregates of the 1m candles opening in [start_ms, end_ms) (hour aligned)."""
        return self.cached("1h", start_ms, end_ms)

    def cached(self, base: str, start_ms: int, end_ms: int) -> Candles:
        """`base` (5m or 1h) aggregates of the 1m candles opening in [start_ms, end_ms) (`base` aligned)."""
        d0, d1 = start_ms // DAY_MS, end_ms // DAY_MS
        self._fill(d0, d1)
        parts = [self._days[base][d] for d in range(d0, d1)]
        parts.append(aggregate(self.minutes(d1 * DAY_MS, end_ms), base))
        out = Candles.concat(parts)
        return out.take((out.t >= start_ms) & (out.t < end_ms))

    def _fill(self, d0: int, d1: int) -> None:
        missing = [d for d in range(d0, d1) if any(d not in self._days[b] for b in BASES)]
        for i in range(0, len(missing), _CHUNK_DAYS):
            lo, hi = missing[i], missing[min(i + _CHUNK_DAYS, len(missing)) - 1] + 1
            fives = aggregate(self.minutes(lo * DAY_MS, hi * DAY_MS), "5m")
            for base, bars in (("5m", fives), ("1h", aggregate(fives, "1h"))):
                day_of = bars.t // DAY_MS
                for d in range(lo, hi):
                    self._days[base][d] = bars.take(day_of == d)

    def candles(self, interval: str, start_ms: int, end_ms: int) -> Candles:
        """Candles of `interval` aggregating the 1m candles opening in [start_ms, end_ms) (`interval`
        aligned, as a candleSnapshot window is)."""
        if end_ms <= start_ms:
            return empty()
        if interval == "1m":
            return self.minutes(start_ms, end_ms)
        step = INTERVAL_MS.get(interval, DAY_MS)
        if step >= HOUR_MS:
            return aggregate(self.hours(start_ms, end_ms), interval)
        if step % FIVE_MS == 0:
            return aggregate(self.cached("5m", start_ms, end_ms), interval)
        return aggregate(self.minutes(start_ms, end_ms), interval)

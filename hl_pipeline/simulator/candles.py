"""Candles of any interval for a window, through a per-day cache of hourly aggregates."""

from __future__ import annotations

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, INTERVAL_MS, MINUTE_MS
from hl_pipeline.simulator.aggregate import aggregate
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.minutes import Candles, empty, minute_candles

_CHUNK_DAYS = 20  # days of minutes generated per vectorised call when filling the cache


class CandleSource:
    """1m candles of one coin and their aggregates; days before today are cached."""

    def __init__(self, seed: int, coin_id: int, spec: CoinSpec, listing_ms: int):
        self.seed, self.coin_id, self.spec = seed, coin_id, spec
        self.first_minute = listing_ms // MINUTE_MS
        self._hours: dict[int, Candles] = {}

    def minutes(self, start_ms: int, end_ms: int) -> Candles:
        """1m candles opening in [start_ms, end_ms)."""
        m0 = max(-(-start_ms // MINUTE_MS), self.first_minute)
        return minute_candles(self.seed, self.coin_id, self.spec, m0, -(-end_ms // MINUTE_MS))

    def hours(self, start_ms: int, end_ms: int) -> Candles:
        """Hourly aggregates of the 1m candles opening in [start_ms, end_ms) (hour aligned)."""
        d0, d1 = start_ms // DAY_MS, end_ms // DAY_MS
        self._fill(d0, d1)
        parts = [self._hours[d] for d in range(d0, d1)]
        parts.append(aggregate(self.minutes(d1 * DAY_MS, end_ms), "1h"))
        out = Candles.concat(parts)
        return out.take((out.t >= start_ms) & (out.t < end_ms))

    def _fill(self, d0: int, d1: int) -> None:
        missing = [d for d in range(d0, d1) if d not in self._hours]
        for i in range(0, len(missing), _CHUNK_DAYS):
            lo, hi = missing[i], missing[min(i + _CHUNK_DAYS, len(missing)) - 1] + 1
            hourly = aggregate(self.minutes(lo * DAY_MS, hi * DAY_MS), "1h")
            day_of = hourly.t // DAY_MS
            for d in range(lo, hi):
                self._hours[d] = hourly.take(day_of == d)

    def candles(self, interval: str, start_ms: int, end_ms: int) -> Candles:
        """Candles of `interval` aggregating the 1m candles opening in [start_ms, end_ms)."""
        if end_ms <= start_ms:
            return empty()
        if interval == "1m":
            return self.minutes(start_ms, end_ms)
        if INTERVAL_MS.get(interval, DAY_MS) < HOUR_MS:
            return aggregate(self.minutes(start_ms, end_ms), interval)
        return aggregate(self.hours(start_ms, end_ms), interval)

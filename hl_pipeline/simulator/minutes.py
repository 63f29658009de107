"""1-minute candles straight from the price path, as column arrays (vectorised)."""

from __future__ import annotations

import dataclasses

import numpy as np

from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator import signal as planted
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.numbers import round_px
from hl_pipeline.simulator.pricepath import grid_log_prices, season

MINUTE_MS = 60_000
SAMPLES_PER_MINUTE = 6  # the path is sampled every 10 s; trades print at these samples
SAMPLE_MS = MINUTE_MS // SAMPLES_PER_MINUTE


@dataclasses.dataclass
class Candles:
    """Candle columns: open time, OHLC (rounded floats), volume in size lots, trade count."""

    t: np.ndarray
    o: np.ndarray
    h: np.ndarray
    l: np.ndarray  # noqa: E741
    c: np.ndarray
    v: np.ndarray
    n: np.ndarray

    def __len__(self) -> int:
        return len(self.t)

    def take(self, sl: np.ndarray | slice) -> Candles:
        """Rows selected by a slice or index array."""
        return Candles(*(getattr(self, f.name)[sl] for f in dataclasses.fields(self)))

    @staticmethod
    def concat(parts: list[Candles]) -> Candles:
        """Rows of several frames, in order."""
        if not parts:
            return empty()
        return Candles(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in dataclasses.fields(Candles))
        )


def empty() -> Candles:
    """A frame with no rows."""
    f, i = np.empty(0), np.empty(0, dtype=np.int64)
    return Candles(i, f, f, f, f, i, i)


def sample_prices(seed: int, coin_id: int, spec: CoinSpec, minutes: np.ndarray) -> np.ndarray:
    """Tick-rounded prices at the 6 sample times of each minute of a contiguous run, shape (m, 6)."""
    if minutes.size == 0:
        return np.empty((0, SAMPLES_PER_MINUTE))
    m0, m1 = int(minutes[0]), int(minutes[-1]) + 1
    lp = grid_log_prices(
        seed, coin_id, spec.start_px, spec.daily_vol, m0, m1, SAMPLES_PER_MINUTE, spec.signal, spec.integrity
    )
    return round_px(np.exp(lp), spec.sz_decimals)


def activity(
    seed: int, coin_id: int, spec: CoinSpec, minutes: np.ndarray, px: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Trade count and volume (lots) per minute: the intraday season (as volatility's) x log-normal noise,
    and the planted signal's event minutes busier (signal.py)."""
    key = stream_key(seed, coin_id, 2)
    burst = np.exp(1.1 * (uniform(key, minutes * 2) + uniform(key, minutes * 2 + 1) - 1.0))
    if spec.signal:
        burst = np.where(planted.events(seed, coin_id, minutes), planted.EVENT_VOLUME * burst, burst)
    n = np.maximum(1, np.round(spec.trades_per_min * season(minutes) * burst)).astype(np.int64)
    avg_notional = 2_000.0 * (1.0 + 3.0 * uniform(stream_key(seed, coin_id, 3), minutes))
    lots_per_unit = 10.0**spec.sz_decimals
    v = np.round(n * avg_notional / px * lots_per_unit).astype(np.int64)
    return n, np.maximum(v, n)


def minute_frame(
    seed: int, coin_id: int, spec: CoinSpec, m0: int, m1: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Minute indices [m0, m1), their sample prices (m, 6), trade counts and volumes (lots), planted
    volume spikes and wash prints included (manipulation.py)."""
    minutes = np.arange(m0, m1, dtype=np.int64)
    px = sample_prices(seed, coin_id, spec, minutes)
    n, v = activity(seed, coin_id, spec, minutes, px[:, -1])
    if spec.integrity:
        factor = manipulation.volume_factor(seed, coin_id, spec.integrity, minutes)
        n = np.minimum(np.round(n * factor), manipulation.MAX_MINUTE_TRADES).astype(np.int64)
        v = np.maximum(np.round(v * factor).astype(np.int64), n)
        wash = wash_lots(seed, coin_id, spec, minutes, px)
        n[wash[0]] += 1
        v[wash[0]] += wash[1]
    return minutes, px, n, v


def wash_lots(
    seed: int, coin_id: int, spec: CoinSpec, minutes: np.ndarray, px: np.ndarray
) -> tuple[np.ndarray, np.ndarray, manipulation.WashPrints]:
    """The planted wash prints of the minutes: their rows, sizes in lots at the minute's close, and
    the prints."""
    prints = manipulation.wash_prints(seed, coin_id, spec.integrity, minutes)
    lots = np.maximum(1, np.round(prints.notional / px[prints.row, -1] * 10.0**spec.sz_decimals))
    return prints.row, lots.astype(np.int64), prints


def minute_candles(seed: int, coin_id: int, spec: CoinSpec, m0: int, m1: int) -> Candles:
    """1m candles for minute indices [m0, m1) (minute index = open ms // 60000)."""
    if m1 <= m0:
        return empty()
    minutes, px, n, v = minute_frame(seed, coin_id, spec, m0, m1)
    return Candles(minutes * MINUTE_MS, px[:, 0], px.max(axis=1), px.min(axis=1), px[:, -1], v, n)

"""What a venue serves, as arrays: 1m candles, funding settlements, open interest, a book around the last
price. Pure functions of (seed, coin, venue, time), like the rest of the simulator."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.funding import funding_at
from hl_pipeline.simulator.hashing import normal, stream_key, uniform
from hl_pipeline.simulator.minutes import activity
from hl_pipeline.simulator.pricepath import log_price
from hl_pipeline.simulator.venues.listing import Listing, VenueSpec
from hl_pipeline.simulator.venues.market import VenueMarket

SAMPLES = 6  # price samples per minute, every 10 s
_NOISE, _OI = 40, 60  # stream ids (plus the venue's index)


def round_sig(x: np.ndarray, sig: int = 6) -> np.ndarray:
    """Prices rounded to `sig` significant figures (a venue's tick grid)."""
    x = np.asarray(x, dtype=np.float64)
    mag = np.floor(np.log10(np.maximum(np.abs(x), 1e-300)))
    scale = 10.0 ** (sig - 1 - mag)
    return np.round(x * scale) / scale


def samples(
    seed: int, coin_id: int, spec: CoinSpec, venue: VenueSpec, listing: Listing, m0: int, m1: int
) -> np.ndarray:
    """The venue's prices at the 6 sample times of each minute in [m0, m1), shape (m, 6)."""
    minutes = np.arange(m0, m1, dtype=np.int64)
    t = minutes[:, None] * MINUTE_MS + np.arange(SAMPLES) * (MINUTE_MS // SAMPLES)
    lp = log_price(seed, coin_id, spec.start_px, spec.daily_vol, t - venue.lag_ms, spec.signal)
    key = stream_key(seed, coin_id, _NOISE + venue.index)
    noise = normal(key, t // (MINUTE_MS // SAMPLES)) * venue.noise_bps * 1e-4
    return round_sig(np.exp(lp + venue.basis_bps * 1e-4 + noise) * listing.price_factor)


def candles(
    seed: int, coin_id: int, spec: CoinSpec, venue: VenueSpec, listing: Listing, m0: int, m1: int
) -> dict[str, np.ndarray]:
    """1m candles opening in minutes [m0, m1): t (ms), o, h, l, c and volume in base units."""
    if m1 <= m0:
        return {k: np.empty(0) for k in ("t", "o", "h", "l", "c", "v")}
    minutes = np.arange(m0, m1, dtype=np.int64)
    px = samples(seed, coin_id, spec, venue, listing, m0, m1)
    _, lots = activity(
        seed, coin_id + 1000 * (venue.index + 1), spec, minutes, px[:, -1] / listing.price_factor
    )
    volume = np.round(2 * lots / 10.0**spec.sz_decimals / listing.price_factor, 4)
    return {
        "t": minutes * MINUTE_MS,
        "o": px[:, 0],
        "h": px.max(axis=1),
        "l": px.min(axis=1),
        "c": px[:, -1],
        "v": volume,
    }


def aggregate(c: dict[str, np.ndarray], per: int) -> dict[str, np.ndarray]:
    """Bars of `per` whole minutes from 1m candles starting on such a bar."""
    n = len(c["t"]) // per * per
    shaped = {k: v[:n].reshape(-1, per) for k, v in c.items()}
    return {
        "t": shaped["t"][:, 0],
        "o": shaped["o"][:, 0],
        "h": shaped["h"].max(axis=1),
        "l": shaped["l"].min(axis=1),
        "c": shaped["c"][:, -1],
        "v": np.round(shaped["v"].sum(axis=1), 4),
    }


def funding(seed: int, coin_id: int, venue: VenueSpec, h0: int, h1: int) -> tuple[np.ndarray, np.ndarray]:
    """Settlements in hours [h0, h1): (time ms, rate per funding interval)."""
    every = venue.funding_hours
    hours = np.arange(-(-h0 // every) * every, h1, every, dtype=np.int64)
    _, hourly, _ = funding_at(seed, coin_id, hours)
    return hours * HOUR_MS, np.round(8 * hourly + venue.funding_offset_8h, 8)


def open_interest(m: VenueMarket, times: np.ndarray) -> np.ndarray:
    """Open interest in the venue's base units at each time (held per hour, as Hyperliquid's)."""
    hours = np.asarray(times, dtype=np.int64) // HOUR_MS
    wobble = 0.8 + 0.4 * uniform(stream_key(m.seed, m.coin_id, _OI + m.venue.index), hours)
    return np.round(m.coin.open_interest * m.venue.oi_share * wobble / m.listing.price_factor, 3)

"""A venue's ticker and order book around its last 10 s price sample."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.simulator.venues.market import VenueMarket
from hl_pipeline.simulator.venues.series import SAMPLES, round_sig, samples

LEVELS = 20
HALF_SPREAD_BPS = 0.5


def last_price(m: VenueMarket, now_ms: int) -> float:
    """The venue's price at its latest 10 s sample before `now_ms`."""
    minute = now_ms // MINUTE_MS
    k = (now_ms % MINUTE_MS) // (MINUTE_MS // SAMPLES)
    return float(samples(m.seed, m.coin_id, m.coin, m.venue, m.listing, minute, minute + 1)[0, k])


def levels(m: VenueMarket, now_ms: int, depth: int = LEVELS) -> tuple[list[list[float]], list[list[float]]]:
    """(bids, asks) as [[price, size in venue units], ...], best first."""
    px = last_price(m, now_ms)
    steps = (HALF_SPREAD_BPS + np.arange(depth)) * 1e-4
    size = np.round(5_000.0 / px / m.listing.contract_size * (1 + np.arange(depth) / 4), 3)
    bids = round_sig(px * (1 - steps))
    asks = round_sig(px * (1 + steps))
    return (
        [[float(p), float(s)] for p, s in zip(bids, size)],
        [[float(p), float(s)] for p, s in zip(asks, size)],
    )

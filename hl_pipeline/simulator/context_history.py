"""The `asset_ctxs` archive's minute rows: each coin's asset context as `metaAndAssetCtxs` would have
served it at that minute (the same funding, open interest, prices and 24h volume), in the archive's
CSV columns."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.funding import funding_at
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.numbers import fmt_dec, fmt_lots, fmt_pxs, fmt_sig, round_px
from hl_pipeline.simulator.pricepath import price

HEADER = (
    "time,coin,funding,open_interest,prev_day_px,day_ntl_vlm,premium,oracle_px,mark_px,mid_px,"
    "impact_bid_px,impact_ask_px"
)


def open_interest(config: SimulatorConfig, coin_id: int, times: np.ndarray) -> np.ndarray:
    """Open interest (base units) at each of `times`: the coin's level, moving hour by hour, less what
    planted liquidation cascades close (manipulation.py)."""
    times = np.asarray(times, dtype=np.int64)
    spec = config.coins[coin_id]
    level = spec.open_interest * (0.8 + 0.4 * uniform(stream_key(config.seed, coin_id, 12), times // HOUR_MS))
    return level * manipulation.open_interest_factor(config.seed, coin_id, spec.integrity, times)


def _marks(config: SimulatorConfig, coin_id: int, times: np.ndarray) -> np.ndarray:
    spec = config.coins[coin_id]
    return round_px(
        price(config.seed, coin_id, spec.start_px, spec.daily_vol, times, spec.signal, spec.integrity),
        spec.sz_decimals,
    )


def context_rows(config: SimulatorConfig, coin_id: int, source: CandleSource, times: np.ndarray) -> list[str]:
    """CSV lines (no header) of coin `coin_id`'s context at each of `times` (whole minutes, ms)."""
    spec = config.coins[coin_id]
    sz = spec.sz_decimals
    minutes = source.minutes(int(times[0]) - DAY_MS, int(times[-1]) + 1)
    notional = np.concatenate([[0.0], np.cumsum(minutes.v * minutes.c)])
    # the 24h window of a context at t: the minute bars opening in [t - 24h, t], as asset_ctx reads them
    hi = np.searchsorted(minutes.t, times, side="right")
    lo = np.searchsorted(minutes.t, times - DAY_MS, side="left")
    day_ntl = (notional[hi] - notional[lo]) / 10**sz
    _, rates, premiums = funding_at(config.seed, coin_id, times // HOUR_MS)
    oi = open_interest(config, coin_id, times)
    prev_t = np.where(times - DAY_MS >= config.listing_ms, times - DAY_MS, times)
    prev, oracle, mark = (_marks(config, coin_id, t) for t in (prev_t, times - 3_000, times))
    cells = zip(
        times.tolist(),
        rates.tolist(),
        oi.tolist(),
        fmt_pxs(prev, sz),
        day_ntl.tolist(),
        premiums.tolist(),
        fmt_pxs(oracle, sz),
        fmt_pxs(mark, sz),
    )
    iso = np.datetime_as_string(times.astype("datetime64[ms]"), unit="ms")
    lines = []
    for stamp, (t, rate, o, prev_px, ntl, prem, oracle_px, mark_px) in zip(iso.tolist(), cells):
        book = l2_book(config.seed, coin_id, spec, t, None, None)
        (bid, impact_bid), (ask, impact_ask) = ((side[0]["px"], side[1]["px"]) for side in book["levels"])
        mid = fmt_pxs(round_px(np.asarray([(float(bid) + float(ask)) / 2]), sz), sz)[0]
        oi_text = fmt_lots(int(o * 10**sz), sz)
        lines.append(
            f"{stamp},{spec.name},{fmt_sig(rate, 6)},{oi_text},{prev_px},{fmt_dec(ntl, 6)},"
            f"{fmt_dec(prem, 8)},{oracle_px},{mark_px},{mid},{impact_bid},{impact_ask}"
        )
    return lines


def day_minutes(date_start_ms: int, listing_ms: int) -> np.ndarray:
    """The whole minutes of a day from the listing on."""
    first = max(date_start_ms, -(-listing_ms // MINUTE_MS) * MINUTE_MS)
    return np.arange(first, date_start_ms + DAY_MS, MINUTE_MS, dtype=np.int64)

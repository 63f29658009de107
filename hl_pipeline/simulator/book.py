"""L2 order books: a deterministic ladder around the mid, per coin and 500 ms snapshot."""

from __future__ import annotations

import numpy as np

from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator.config import CoinSpec
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.numbers import fmt_dec, fmt_lots, price_decimals
from hl_pipeline.simulator.pricepath import price

SNAPSHOT_MS = 500  # a book changes at most every 500 ms (a WebSocket feed can share it)
RAW_LEVELS = 400
LEVELS = 20


def _merge(
    units: np.ndarray, lots: np.ndarray, n: np.ndarray, bucket: int, sign: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keys = (np.floor(units / bucket) if sign < 0 else np.ceil(units / bucket)).astype(np.int64) * bucket
    order = np.argsort(-keys if sign < 0 else keys, kind="stable")
    keys, lots, n = keys[order], lots[order], n[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    keep = keys[starts] > 0
    return keys[starts][keep], np.add.reduceat(lots, starts)[keep], np.add.reduceat(n, starts)[keep]


def l2_book(
    seed: int, coin_id: int, spec: CoinSpec, t_ms: int, n_sig_figs: int | None, mantissa: int | None
) -> dict:
    """The book at `t_ms` (snapshot time rounded down to 500 ms), optionally aggregated."""
    snap = t_ms // SNAPSHOT_MS
    mid = float(
        price(
            seed, coin_id, spec.start_px, spec.daily_vol, [snap * SNAPSHOT_MS], spec.signal, spec.integrity
        )[0]
    )
    dec = int(price_decimals(np.asarray([mid]), spec.sz_decimals)[0])
    mid_units = mid * 10**dec
    bucket = 1
    if n_sig_figs is not None:
        exp = int(np.floor(np.log10(mid))) - n_sig_figs + 1 + dec
        bucket = max(1, 10**exp * (mantissa or 1)) if exp >= 0 else 1
    key = stream_key(seed, coin_id, 8)
    lots_scale = 3_000.0 / mid * 10**spec.sz_decimals
    levels = []
    for sign in (-1, 1):
        idx = snap * (2 * RAW_LEVELS) + (sign > 0) * RAW_LEVELS + np.arange(RAW_LEVELS)
        k = np.arange(1, RAW_LEVELS + 1)
        dist = 0.00003 * k * (1.0 + (k / 40.0) ** 2) * (0.6 + 0.8 * uniform(key, idx * 3))
        raw = mid_units * (1.0 + sign * np.minimum(dist, 0.9))
        units = np.floor(raw) if sign < 0 else np.ceil(raw)
        lots = np.maximum(
            1, np.round(lots_scale * np.exp(2.0 * uniform(key, idx * 3 + 1)) * np.sqrt(k))
        ).astype(np.int64)
        n = 1 + (uniform(key, idx * 3 + 2) * 3).astype(np.int64)
        px, sz, cnt = _merge(units.astype(np.int64), lots, n, bucket, sign)
        if spec.integrity:  # a planted spoofer's order, on the level as shown (after any aggregation)
            level, extra = manipulation.spoof_lots(
                seed, coin_id, spec.integrity, snap * SNAPSHOT_MS, -sign, float(np.median(sz[:LEVELS]))
            )
            sz[level] += extra
            cnt[level] += extra > 0
        levels.append(
            [
                {"px": fmt_dec(p / 10**dec, dec), "sz": fmt_lots(s, spec.sz_decimals), "n": c}
                for p, s, c in zip(px[:LEVELS].tolist(), sz[:LEVELS].tolist(), cnt[:LEVELS].tolist())
            ]
        )
    return {"coin": spec.name, "time": snap * SNAPSHOT_MS, "levels": levels}

"""A wallet's ledger: hourly funding payments on its positions, and transfers.

Funding is paid at each hour on the position held then, at the rate fundingHistory serves for
that hour (positions.hourly_funding, which clearinghouseState's cumFunding sums too). Transfers
are drawn per wallet and day: pure functions of seed and time.
"""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.simulator.hashing import hash64, stream_key, uniform
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_dec, fmt_lots, fmt_sig
from hl_pipeline.simulator.positions import day_book, hourly_funding
from hl_pipeline.simulator.trades import hash_hex

ZERO_HASH = "0x" + "0" * 64
_TRANSFER_CHANCE = {
    "market_maker": 0.2,
    "whale": 0.4,
    "smart_money": 0.3,
    "bot": 0.1,
    "liquidation_prone": 0.5,
    "retail": 0.3,
}


def funding_payments(market: Market, wallet: int | None, start_ms: int, end_ms: int, cap: int) -> list[dict]:
    """userFunding: payments with start_ms <= time <= end_ms, ascending, at most `cap`."""
    rows: list[dict] = []
    if wallet is None:
        return rows
    h0 = max(-(-start_ms // HOUR_MS), -(-market.config.listing_ms // HOUR_MS))
    h1 = end_ms // HOUR_MS
    for day in range(h0 * HOUR_MS // DAY_MS, h1 * HOUR_MS // DAY_MS + 1):
        lo, hi = max(h0, day * 24), min(h1, day * 24 + 23)
        if hi < lo:
            continue
        hours = np.arange(lo, hi + 1, dtype=np.int64)
        day_rows = []
        for coin_id in range(market.n_perps):
            spec = market.specs[coin_id]
            book = day_book(market.tape, wallet, coin_id, day, hi * HOUR_MS)
            lots, rate, usdc = hourly_funding(market.tape, coin_id, book, hours)
            for h, q, r, u in zip(hours.tolist(), lots.tolist(), rate.tolist(), usdc.tolist()):
                if q:
                    delta = {
                        "type": "funding",
                        "coin": spec.name,
                        "usdc": fmt_dec(u, 6),
                        "szi": fmt_lots(q, spec.sz_decimals),
                        "fundingRate": fmt_sig(r, 6),
                        "nSamples": None,
                    }
                    day_rows.append({"time": h * HOUR_MS, "hash": ZERO_HASH, "delta": delta})
        rows += sorted(day_rows, key=lambda r: r["time"])
        if len(rows) >= cap:
            break
    return rows[:cap]


def drawn_events(
    market: Market, wallet: int, stream: int, periods: range, period_ms: int, chance: float
) -> list[tuple[int, float, float]]:
    """(time, two uniforms) of the events drawn for a wallet: one chance per period, at a time in it."""
    key = stream_key(market.config.seed, stream, wallet)
    idx = np.asarray(list(periods), dtype=np.int64)
    u = [uniform(key, idx * 4 + j) for j in range(4)]
    keep = u[0] < chance
    times = idx * period_ms + (u[1] * period_ms).astype(np.int64)
    return [(int(t), float(a), float(b)) for t, a, b in zip(times[keep], u[2][keep], u[3][keep])]


def ledger_updates(
    market: Market, wallet: int | None, start_ms: int, end_ms: int, cap: int = 2000
) -> list[dict]:
    """userNonFundingLedgerUpdates: deposits, withdrawals and spot/perp transfers in [start, end]."""
    if wallet is None:
        return []
    kind = market.wallets.kinds[wallet]
    start_ms = max(start_ms, market.config.listing_ms)
    days = range(start_ms // DAY_MS, end_ms // DAY_MS + 1)
    rows = []
    for t, a, b in drawn_events(market, wallet, 22, days, DAY_MS, _TRANSFER_CHANCE[kind]):
        if not start_ms <= t <= end_ms:
            continue
        usdc = fmt_dec(round(float(market.wallets.account_usd[wallet]) * 0.05 * (0.1 + b), 2), 2)
        if a < 0.5:
            delta: dict = {"type": "deposit", "usdc": usdc}
        elif a < 0.8:
            delta = {"type": "withdraw", "usdc": usdc, "nonce": t, "fee": "1.0"}
        else:
            delta = {"type": "accountClassTransfer", "usdc": usdc, "toPerp": a < 0.9}
        rows.append({"time": t, "hash": event_hash(market, 23, wallet, t), "delta": delta})
        if len(rows) >= cap:
            break
    return rows


def event_hash(market: Market, stream: int, wallet: int, t: int) -> str:
    """A transaction hash for a wallet's event at a time."""
    return hash_hex(int(hash64(stream_key(market.config.seed, stream, wallet), [t])[0]))

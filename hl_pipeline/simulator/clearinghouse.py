"""clearinghouseState: a wallet's positions at now, from its opening position of the day and its
fills since; cumFunding sums the hourly payments userFunding lists for the day."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.simulator.numbers import fmt_lots, fmt_px, fmt_sig, round_px
from hl_pipeline.simulator.positions import day_book, hourly_funding
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.trades import TradeTape

_LEVERAGE = 20


def _usd(x: float) -> str:
    return fmt_sig(round(x, 6), 12)


def net_deposit(tape: TradeTape, wallet: int) -> float:
    """What a wallet put into its perp account: its account value before unrealized PnL."""
    return float(tape.wallets.account_usd[wallet])


def clearinghouse_state(tape: TradeTape, wallet: int | None, now_ms: int) -> dict:
    """The account summary; an unknown wallet is an empty account."""
    positions, ntl, margin, upnl_sum = [], 0.0, 0.0, 0.0
    books = (
        ()
        if wallet is None
        else (day_book(tape, wallet, coin_id, now_ms // DAY_MS, now_ms) for coin_id in range(len(tape.coins)))
    )
    for coin_id, (spec, book) in enumerate(zip(tape.coins, books)):
        if book.end_lots == 0:
            continue
        mark = float(
            round_px(
                price(tape.seed, coin_id, spec.start_px, spec.daily_vol, [now_ms], spec.signal),
                spec.sz_decimals,
            )[0]
        )
        size = book.end_lots / 10**spec.sz_decimals
        lev = min(_LEVERAGE, spec.max_leverage)
        value, upnl = abs(size) * mark, size * (mark - book.end_entry)
        used = value / lev
        hours = np.arange(now_ms // DAY_MS * 24, now_ms // HOUR_MS + 1, dtype=np.int64)
        paid = _usd(-float(hourly_funding(tape, coin_id, book, hours)[2].sum()))
        ntl, margin, upnl_sum = ntl + value, margin + used, upnl_sum + upnl
        positions.append(
            {
                "type": "oneWay",
                "position": {
                    "coin": spec.name,
                    "szi": fmt_lots(book.end_lots, spec.sz_decimals),
                    "leverage": {"type": "cross", "value": lev},
                    "entryPx": fmt_px(book.end_entry, spec.sz_decimals),
                    "positionValue": _usd(value),
                    "unrealizedPnl": _usd(upnl),
                    "returnOnEquity": fmt_sig(upnl / (abs(size) * book.end_entry / lev), 8),
                    "liquidationPx": None,
                    "marginUsed": _usd(used),
                    "maxLeverage": spec.max_leverage,
                    "cumFunding": {"allTime": paid, "sinceOpen": paid, "sinceChange": paid},
                },
            }
        )
    value = (0.0 if wallet is None else net_deposit(tape, wallet)) + upnl_sum
    summary = {
        "accountValue": _usd(value),
        "totalNtlPos": _usd(ntl),
        "totalRawUsd": _usd(value - ntl),
        "totalMarginUsed": _usd(margin),
    }
    return {
        "marginSummary": summary,
        "crossMarginSummary": dict(summary),
        "crossMaintenanceMarginUsed": _usd(margin / 2),
        "withdrawable": _usd(max(value - margin, 0.0)),
        "assetPositions": positions,
        "time": now_ms,
    }

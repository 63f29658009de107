"""userFills / userFillsByTime rows: a wallet's side of the public trades."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator.fees import rates
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.numbers import fmt_lots, fmt_px, fmt_pxs, fmt_sig
from hl_pipeline.simulator.positions import DayBook, day_book
from hl_pipeline.simulator.trades import Trades, TradeTape, hash_hex, trade_ids

_MAX_DAYS_BACK = 60
FILL_OID_BASE = 10_000_000_000
LIQUIDATION_SHARE = 0.05


def _direction(start: int, buy: bool, size: int) -> str:
    end = start + (size if buy else -size)
    if start == 0 or (start > 0) == buy:
        return "Open Long" if buy else "Open Short"
    if (start > 0) != (end > 0) and end != 0:
        return "Long > Short" if start > 0 else "Short > Long"
    return "Close Short" if buy else "Close Long"


def fill_oid(time_ms: int, word: int, is_buyer: bool) -> int:
    """The order id of one side of a trade: its second and 6 bits of the trade's hash word."""
    return FILL_OID_BASE + (time_ms // 1000) * 64 + ((word >> (6 if is_buyer else 12)) & 63)


def aggregate_by_time(rows: list[dict], sz_decimals: dict[str, int]) -> list[dict]:
    """`aggregateByTime`: partial fills of one order at one time (same oid and time) as one fill:
    sizes, fees and closed PnL summed, the price size-weighted, the first fill's other fields."""
    out: list[dict] = []
    groups: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        key = (row["oid"], row["time"])
        if key not in groups:
            groups[key] = []
            out.append(row)
        groups[key].append(row)
    for i, row in enumerate(out):
        parts = groups[(row["oid"], row["time"])]
        if len(parts) == 1:
            continue
        dec = sz_decimals[row["coin"]]
        lots = [round(float(p["sz"]) * 10**dec) for p in parts]
        vwap = sum(float(p["px"]) * q for p, q in zip(parts, lots)) / sum(lots)
        out[i] = {
            **row,
            "px": fmt_px(vwap, dec),
            "sz": fmt_lots(sum(lots), dec),
            "closedPnl": fmt_sig(sum(float(p["closedPnl"]) for p in parts), 8),
            "fee": fmt_sig(sum(float(p["fee"]) for p in parts), 6),
        }
    return out


def wallet_fill_rows(tape: TradeTape, wallet: int, coin_id: int, book: DayBook) -> list[dict]:
    spec = tape.coins[coin_id]
    t = book.trades
    tids, words = trade_ids(tape.seed, coin_id, t.key)
    lead_words = trade_ids(tape.seed, coin_id, t.lead)[1]
    cross_rate, add_rate = rates(tape, wallet, int(t.time[0]) // DAY_MS) if len(t.time) else (0.0, 0.0)
    liquidated, backstop = liquidations(tape, coin_id, t)
    rows = []
    pxs = fmt_pxs(t.px, spec.sz_decimals)
    for i, (time, px, px_text, lots, buy, is_buyer, tid, word, lead, victim, adl) in enumerate(
        zip(
            t.time.tolist(),
            t.px.tolist(),
            pxs,
            t.lots.tolist(),
            t.buy.tolist(),
            book.is_buyer.tolist(),
            tids.tolist(),
            words.tolist(),
            lead_words.tolist(),
            liquidated.tolist(),
            backstop.tolist(),
        )
    ):
        crossed = buy == is_buyer  # the wallet was the aggressor
        notional = px * lots / 10**spec.sz_decimals
        start = book.start_lots[i]
        rows.append(
            {
                "coin": spec.name,
                "px": px_text,
                "sz": fmt_lots(lots, spec.sz_decimals),
                "side": "B" if is_buyer else "A",
                "time": time,
                "startPosition": fmt_lots(start, spec.sz_decimals),
                "dir": "Auto-Deleveraging" if adl and victim != wallet else _direction(start, is_buyer, lots),
                "closedPnl": fmt_sig(book.closed_pnl[i], 8),
                "hash": hash_hex(word),
                "oid": fill_oid(time, lead if crossed else word, is_buyer),
                "crossed": crossed,
                "fee": fmt_sig(notional * (cross_rate if crossed else add_rate), 6),
                "tid": tid,
                "feeToken": "USDC",
                "twapId": None,
            }
        )
        if victim >= 0:  # on both sides' fills, naming who was liquidated
            rows[-1]["liquidation"] = {
                "liquidatedUser": tape.wallets.addresses[victim],
                "markPx": px_text,
                "method": "backstop" if adl else "market",
            }
    return rows


def liquidations(tape: TradeTape, coin_id: int, t: Trades) -> tuple[np.ndarray, np.ndarray]:
    """Per trade, (the liquidated wallet, -1: none; whether the liquidation went to the backstop and
    the counterparty was auto-deleveraged). A liquidation-prone taker is liquidated in a
    LIQUIDATION_SHARE of its taker trades, and in every forced order of a planted cascade
    (manipulation.py; planted as labels: positions are not margin-checked)."""
    taker = np.where(t.buy, t.buyer, t.seller)
    prone = tape.wallets.of_kind("liquidation_prone")
    forced = manipulation.forced_orders(tape.seed, coin_id, tape.coins[coin_id].integrity, t.time, t.lead)
    hit = (uniform(stream_key(tape.seed, coin_id, 14), t.lead) < LIQUIDATION_SHARE) | forced.mask
    victim = np.where((taker >= prone.start) & (taker < prone.stop) & hit, taker, -1)
    return victim, forced.backstop & (victim >= 0)


def _day_rows(tape: TradeTape, wallet: int, day: int, start_ms: int, end_ms: int) -> list[dict]:
    rows = []
    for coin_id in range(len(tape.coins)):
        rows += [
            r
            for r in wallet_fill_rows(tape, wallet, coin_id, day_book(tape, wallet, coin_id, day, end_ms))
            if r["time"] >= start_ms
        ]
    rows.sort(key=lambda r: r["time"])  # stable: partial fills at one time stay in tape order
    return rows


def fills_by_time(tape: TradeTape, wallet: int, start_ms: int, end_ms: int, cap: int) -> list[dict]:
    """Fills with start_ms <= time <= end_ms, oldest first, at most `cap`."""
    rows: list[dict] = []
    start_ms = max(start_ms, tape.listing_ms)
    for day in range(start_ms // DAY_MS, end_ms // DAY_MS + 1):
        rows += _day_rows(tape, wallet, day, start_ms, end_ms)
        if len(rows) >= cap:
            break
    return rows[:cap]


def recent_fills(tape: TradeTape, wallet: int, now_ms: int, cap: int) -> list[dict]:
    """The `cap` most recent fills up to now, newest first."""
    rows: list[dict] = []
    day = now_ms // DAY_MS
    while len(rows) < cap and day >= max(now_ms // DAY_MS - _MAX_DAYS_BACK, tape.listing_ms // DAY_MS):
        rows = _day_rows(tape, wallet, day, 0, now_ms) + rows
        day -= 1
    return rows[::-1][:cap]

"""WebSocket frames to landing rows, as tuples in schema order (TRADES, BOOK_SNAPSHOTS)."""

from __future__ import annotations

from math import isfinite

from hl_pipeline.exchange.book_payloads import L2Book


def decimal(text: object) -> float:
    """A finite decimal string -> float, accepting exactly what `exchange.parsing.to_float` accepts
    (its regex costs a third of a trade's parsing): what `float` takes, less surrounding whitespace
    and underscores; `float` already refuses everything else the regex refuses but inf and nan."""
    if type(text) is not str or "_" in text or text != text.strip():
        raise ValueError(f"expected a decimal string, got {text!r}"[:200])
    value = float(text)
    if not isfinite(value):
        raise ValueError(f"decimal string {text!r} is not finite"[:200])
    return value


def trade_row(t: dict, receive_ms: int) -> tuple:
    """A WsTrade as a TRADES row (users[0] is the buyer, users[1] the seller); raises on a malformed trade."""
    buyer, seller = t["users"]
    coin, side, tx = t["coin"], t["side"], t["hash"]
    if not (
        type(coin) is str
        and type(side) is str
        and type(tx) is str
        and type(buyer) is str
        and type(seller) is str
    ):
        raise TypeError(f"trade fields coin, side, hash and users must be strings: {t!r}"[:200])
    return (
        coin,
        int(t["time"]),
        decimal(t["px"]),
        decimal(t["sz"]),
        side,
        int(t["tid"]),
        tx,
        buyer,
        seller,
        receive_ms,
    )


def book_rows(book: L2Book, receive_ms: int) -> list[tuple]:
    """A parsed l2Book snapshot (WebSocket or REST) as BOOK_SNAPSHOTS rows, one per level and side."""
    return [
        (book.coin, book.time, side, i, lv.px, lv.sz, lv.n, receive_ms)
        for side, levels in (("bid", book.bids), ("ask", book.asks))
        for i, lv in enumerate(levels)
    ]

"""WebSocket frames to landing rows, as tuples in schema order (TRADES, BOOK_SNAPSHOTS)."""

from __future__ import annotations

from operator import itemgetter

from hl_pipeline.exchange.book_payloads import L2Book
from hl_pipeline.exchange.parsing import to_float

trade_key = itemgetter(0, 1, 5)
"""(coin, time, tid) of a TRADES row: a trade's identity."""


def trade_row(t: dict, receive_ms: int) -> tuple:
    """A WsTrade as a TRADES row (users[0] is the buyer, users[1] the seller); raises on a malformed trade."""
    buyer, seller = t["users"]
    row = (
        t["coin"],
        int(t["time"]),
        to_float(t["px"]),
        to_float(t["sz"]),
        t["side"],
        int(t["tid"]),
        t["hash"],
        buyer,
        seller,
        receive_ms,
    )
    if not all(type(row[i]) is str for i in (0, 4, 6, 7, 8)):
        raise TypeError(f"trade fields coin, side, hash and users must be strings: {t!r}"[:200])
    return row


def book_rows(book: L2Book, receive_ms: int) -> list[tuple]:
    """A parsed l2Book snapshot (WebSocket or REST) as BOOK_SNAPSHOTS rows, one per level and side."""
    return [
        (book.coin, book.time, side, i, lv.px, lv.sz, lv.n, receive_ms)
        for side, levels in (("bid", book.bids), ("ask", book.asks))
        for i, lv in enumerate(levels)
    ]

"""WebSocket frames to landing rows: trades (with buyer and seller) and l2Book snapshot levels."""

from __future__ import annotations

from hl_pipeline.exchange.book_payloads import L2Book
from hl_pipeline.exchange.parsing import to_float


def trade_rows(data: list[dict], receive_ms: int) -> list[dict]:
    """A `trades` frame's payload as TRADES rows (users[0] is the buyer, users[1] the seller)."""
    return [
        {"coin": t["coin"], "time": int(t["time"]), "px": to_float(t["px"]), "sz": to_float(t["sz"]), "side": t["side"],
         "tid": int(t["tid"]), "hash": t["hash"], "buyer": t["users"][0], "seller": t["users"][1], "receive_time": receive_ms}
        for t in data
    ]


def book_rows(book: L2Book, receive_ms: int) -> list[dict]:
    """A parsed l2Book snapshot (WebSocket or REST) as BOOK_SNAPSHOTS rows, one per level and side."""
    return [
        {"coin": book.coin, "time": book.time, "side": side, "level": i, "px": lv.px, "sz": lv.sz, "n": lv.n,
         "receive_time": receive_ms}
        for side, levels in (("bid", book.bids), ("ask", book.asks))
        for i, lv in enumerate(levels)
    ]

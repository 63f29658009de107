"""`l2Book` snapshots and the `recentTrades` tape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hl_pipeline.exchange.parsing import Payload


@dataclass(frozen=True)
class Level:
    px: float
    sz: float
    n: int  # orders at this level


@dataclass(frozen=True)
class L2Book:
    coin: str
    time: int
    bids: tuple[Level, ...]  # best (highest) first
    asks: tuple[Level, ...]  # best (lowest) first


def _levels(p: Payload, raw: Any, what: str) -> tuple[Level, ...]:
    return tuple(
        Level(
            p.number(lv, "px", f"{what}[{i}]"),
            p.number(lv, "sz", f"{what}[{i}]"),
            p.integer(lv, "n", f"{what}[{i}]"),
        )
        for i, lv in enumerate(p.array(raw, what))
    )


def parse_l2_book(body: Any, request: dict | None = None) -> L2Book:
    p = Payload(request or {"type": "l2Book"}, body)
    sides = p.array(p.get(body, "levels", "l2Book"), "l2Book.levels")
    if len(sides) != 2:
        raise p.fail(f"levels should be [bids, asks], got {len(sides)} sides")
    bids, asks = _levels(p, sides[0], "bids"), _levels(p, sides[1], "asks")
    if any(a.px <= b.px for a, b in zip(bids, bids[1:])):
        raise p.fail("bids are not in strictly descending price order")
    if any(b.px <= a.px for a, b in zip(asks, asks[1:])):
        raise p.fail("asks are not in strictly ascending price order")
    return L2Book(p.text(body, "coin", "l2Book"), p.integer(body, "time", "l2Book"), bids, asks)


@dataclass(frozen=True)
class Trade:
    coin: str
    side: str  # "B" (buyer aggressed) or "A"
    px: float
    sz: float
    time: int
    hash: str
    tid: int
    users: tuple[str, str] | None  # (buyer, seller)


def parse_recent_trades(body: Any, request: dict | None = None) -> list[Trade]:
    """Newest first, as the exchange sends them."""
    p = Payload(request or {"type": "recentTrades"}, body)
    trades = []
    for i, raw in enumerate(p.array(body, "recentTrades")):
        w = f"trades[{i}]"
        users = p.obj(raw, w).get("users")
        if users is not None:
            users = p.array(users, f"{w}.users")
            if len(users) != 2 or not all(isinstance(u, str) for u in users):
                raise p.fail(f"{w}.users should be [buyer, seller], got {users!r}")
            users = tuple(users)
        trades.append(
            Trade(
                coin=p.text(raw, "coin", w),
                side=p.side(raw, w),
                px=p.number(raw, "px", w),
                sz=p.number(raw, "sz", w),
                time=p.integer(raw, "time", w),
                hash=p.text(raw, "hash", w),
                tid=p.integer(raw, "tid", w),
                users=users,
            )
        )
    return trades

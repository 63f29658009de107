"""`l2Book` snapshots, best bid and offer (`bbo`) and the `recentTrades` tape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import decimal, decode, integer, side, text, wire


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
    extra: dict[str, Any] = field(default_factory=dict, hash=False)  # keys other than coin, time, levels


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
    extra = {k: v for k, v in body.items() if k not in ("coin", "time", "levels")}
    return L2Book(p.text(body, "coin", "l2Book"), p.integer(body, "time", "l2Book"), bids, asks, extra)


def _level(p: Payload, raw: Any, what: str) -> Level | None:
    if raw is None:
        return None
    return Level(p.number(raw, "px", what), p.number(raw, "sz", what), p.integer(raw, "n", what))


@dataclass(frozen=True)
class Bbo:
    coin: str
    time: int
    bid: Level | None  # None: that side of the book is empty
    ask: Level | None


def parse_bbo(body: Any, request: dict | None = None) -> Bbo:
    """The `bbo` feed's `{coin, time, bbo: [bid | null, ask | null]}`."""
    p = Payload(request or {"type": "bbo"}, body)
    pair = p.array(p.get(body, "bbo", "bbo"), "bbo.bbo")
    if len(pair) != 2:
        raise p.fail(f"bbo.bbo should be [bid, ask], got {len(pair)} sides")
    return Bbo(
        p.text(body, "coin", "bbo"),
        p.integer(body, "time", "bbo"),
        _level(p, pair[0], "bbo.bid"),
        _level(p, pair[1], "bbo.ask"),
    )


def _users(p: Payload, value: Any, what: str) -> tuple[str, str]:
    users = p.array(value, what)
    if len(users) != 2 or not all(isinstance(u, str) for u in users):
        raise p.fail(f"{what} should be [buyer, seller], got {users!r}")
    return users[0], users[1]


@dataclass(frozen=True, kw_only=True)
class Trade:
    coin: Annotated[str, wire("coin", text)]
    side: Annotated[str, wire("side", side)]  # "B" (buyer aggressed) or "A"
    px: Annotated[float, wire("px", decimal)]
    sz: Annotated[float, wire("sz", decimal)]
    time: Annotated[int, wire("time", integer)]
    hash: Annotated[str, wire("hash", text)]
    tid: Annotated[int, wire("tid", integer)]
    users: Annotated[tuple[str, str] | None, wire("users", _users)] = None  # (buyer, seller)
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_trades(p: Payload, body: Any, what: str) -> list[Trade]:
    return [decode(p, Trade, raw, f"{what}[{i}]") for i, raw in enumerate(p.array(body, what))]


def parse_recent_trades(body: Any, request: dict | None = None) -> list[Trade]:
    """Newest first, as the exchange sends them."""
    return parse_trades(Payload(request or {"type": "recentTrades"}, body), body, "trades")

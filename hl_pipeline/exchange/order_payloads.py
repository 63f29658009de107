"""A wallet's orders: `openOrders`, `frontendOpenOrders`, `historicalOrders`, `orderStatus`, and
the `orderUpdates` WebSocket feed (the same order-with-status shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import (
    decimal,
    decode,
    flag,
    integer,
    many,
    nested,
    side,
    text,
    wire,
)


@dataclass(frozen=True, kw_only=True)
class Order:
    """An order as `openOrders` sends it; `frontendOpenOrders` and the status feeds add the rest."""

    coin: Annotated[str, wire("coin", text)]
    side: Annotated[str, wire("side", side)]
    limit_px: Annotated[float, wire("limitPx", decimal)]
    sz: Annotated[float, wire("sz", decimal)]  # remaining
    oid: Annotated[int, wire("oid", integer)]
    timestamp: Annotated[int, wire("timestamp", integer)]
    orig_sz: Annotated[float | None, wire("origSz", decimal)] = None
    cloid: Annotated[str | None, wire("cloid", text)] = None
    reduce_only: Annotated[bool | None, wire("reduceOnly", flag)] = None
    order_type: Annotated[str | None, wire("orderType", text)] = None  # "Limit", "Stop Market", ...
    tif: Annotated[str | None, wire("tif", text)] = None  # "Gtc", "Ioc", "Alo", "FrontendMarket"
    is_trigger: Annotated[bool | None, wire("isTrigger", flag)] = None
    trigger_px: Annotated[float | None, wire("triggerPx", decimal)] = None
    trigger_condition: Annotated[str | None, wire("triggerCondition", text)] = None
    is_position_tpsl: Annotated[bool | None, wire("isPositionTpsl", flag)] = None
    children: Annotated[
        tuple[Order, ...], wire("children", many(lambda p, v, w: decode(p, Order, v, w)))
    ] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def _orders(body: Any, request: dict) -> list[Order]:
    p = Payload(request, body)
    return [decode(p, Order, raw, f"orders[{i}]") for i, raw in enumerate(p.array(body, "orders"))]


def parse_open_orders(body: Any, request: dict | None = None) -> list[Order]:
    return _orders(body, request or {"type": "openOrders"})


def parse_frontend_open_orders(body: Any, request: dict | None = None) -> list[Order]:
    return _orders(body, request or {"type": "frontendOpenOrders"})


@dataclass(frozen=True, kw_only=True)
class OrderUpdate:
    """An order with its status ("open", "filled", "canceled", "iocCancelRejected", ...)."""

    order: Annotated[Order, wire("order", nested(Order))]
    status: Annotated[str, wire("status", text)]
    status_timestamp: Annotated[int, wire("statusTimestamp", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def order_updates(p: Payload, body: Any, what: str) -> list[OrderUpdate]:
    return [decode(p, OrderUpdate, raw, f"{what}[{i}]") for i, raw in enumerate(p.array(body, what))]


def parse_historical_orders(body: Any, request: dict | None = None) -> list[OrderUpdate]:
    """At most the 2000 most recent orders, newest first as served."""
    return order_updates(Payload(request or {"type": "historicalOrders"}, body), body, "orders")


@dataclass(frozen=True, kw_only=True)
class OrderStatus:
    status: Annotated[str, wire("status", text)]  # "order", or "unknownOid"
    order: Annotated[OrderUpdate | None, wire("order", nested(OrderUpdate))] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_order_status(body: Any, request: dict | None = None) -> OrderStatus:
    return decode(Payload(request or {"type": "orderStatus"}, body), OrderStatus, body, "orderStatus")

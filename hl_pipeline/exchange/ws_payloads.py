"""WebSocket messages `{"channel": ..., "data": ...}` parsed as pure functions, one per channel.

`parse_ws_message` dispatches on the channel and returns a `WsMessage` whose `data` is typed:
trades -> list[Trade], l2Book -> L2Book, candle -> Candle, allMids -> AllMids, bbo -> Bbo,
activeAssetCtx -> ActiveAssetCtx (activeSpotAssetCtx -> ActiveSpotAssetCtx), activeAssetData ->
ActiveAssetData, user (the userEvents feed) -> UserEvent, userFills -> UserFills, orderUpdates ->
list[OrderUpdate], userFundings -> UserFundings, userNonFundingLedgerUpdates -> UserLedgerUpdates,
userTwapSliceFills -> UserTwapSliceFills, webData2 -> WebData2, notification -> str,
allDexsAssetCtxs -> AllDexsAssetCtxs, subscriptionResponse -> SubscriptionAck,
error -> str, pong -> None. An unknown channel or shape raises MalformedResponseError.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.account_payloads import ActiveAssetData, ClearinghouseState, Fill, TwapSliceFill
from hl_pipeline.exchange.book_payloads import parse_bbo, parse_l2_book, parse_trades
from hl_pipeline.exchange.ledger_payloads import LedgerUpdate
from hl_pipeline.exchange.order_payloads import Order, order_updates
from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import (
    decimal,
    decode,
    flag,
    integer,
    json_value,
    many,
    mapping,
    nested,
    pairs,
    text,
    wire,
)
from hl_pipeline.exchange.spot_payloads import SpotAssetContext
from hl_pipeline.exchange.universe_payloads import AssetContext, asset_contexts


@dataclass(frozen=True)
class WsMessage:
    channel: str
    data: Any  # typed per channel, see the module docstring


@dataclass(frozen=True, kw_only=True)
class Candle:
    """The `candle` feed's one candle (the open one is re-sent as it changes)."""

    open_time: Annotated[int, wire("t", integer)]
    close_time: Annotated[int, wire("T", integer)]
    coin: Annotated[str, wire("s", text)]
    interval: Annotated[str, wire("i", text)]
    open: Annotated[float, wire("o", decimal)]
    close: Annotated[float, wire("c", decimal)]
    high: Annotated[float, wire("h", decimal)]
    low: Annotated[float, wire("l", decimal)]
    volume: Annotated[float, wire("v", decimal)]  # base units
    trades: Annotated[int, wire("n", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class AllMids:
    mids: Annotated[dict[str, float], wire("mids", mapping(decimal))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class ActiveAssetCtx:
    coin: Annotated[str, wire("coin", text)]
    ctx: Annotated[AssetContext, wire("ctx", nested(AssetContext))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class ActiveSpotAssetCtx:
    coin: Annotated[str, wire("coin", text)]
    ctx: Annotated[SpotAssetContext, wire("ctx", nested(SpotAssetContext))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class WsFunding:
    """A funding payment as the user feeds send it (flat, unlike `userFunding`'s delta rows)."""

    coin: Annotated[str, wire("coin", text)]
    usdc: Annotated[float, wire("usdc", decimal)]
    szi: Annotated[float, wire("szi", decimal)]
    funding_rate: Annotated[float, wire("fundingRate", decimal)]
    time: Annotated[int | None, wire("time", integer)] = None
    n_samples: Annotated[int | None, wire("nSamples", integer)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class WsLiquidation:
    lid: Annotated[int, wire("lid", integer)]
    liquidator: Annotated[str, wire("liquidator", text)]
    liquidated_user: Annotated[str, wire("liquidated_user", text)]
    liquidated_ntl_pos: Annotated[float, wire("liquidated_ntl_pos", decimal)]
    liquidated_account_value: Annotated[float, wire("liquidated_account_value", decimal)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class NonUserCancel:
    coin: Annotated[str, wire("coin", text)]
    oid: Annotated[int, wire("oid", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class UserEvent:
    """One `userEvents` message (channel `user`): exactly one of the fields is set."""

    fills: Annotated[tuple[Fill, ...] | None, wire("fills", many(nested(Fill)))] = None
    funding: Annotated[WsFunding | None, wire("funding", nested(WsFunding))] = None
    liquidation: Annotated[WsLiquidation | None, wire("liquidation", nested(WsLiquidation))] = None
    non_user_cancel: Annotated[
        tuple[NonUserCancel, ...] | None, wire("nonUserCancel", many(nested(NonUserCancel)))
    ] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class UserFills:
    user: Annotated[str, wire("user", text)]
    fills: Annotated[tuple[Fill, ...], wire("fills", many(nested(Fill)))]
    is_snapshot: Annotated[bool, wire("isSnapshot", flag)] = False  # absent on streamed messages
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class UserFundings:
    user: Annotated[str, wire("user", text)]
    fundings: Annotated[tuple[WsFunding, ...], wire("fundings", many(nested(WsFunding)))]
    is_snapshot: Annotated[bool, wire("isSnapshot", flag)] = False
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class UserLedgerUpdates:
    user: Annotated[str, wire("user", text)]
    updates: Annotated[tuple[LedgerUpdate, ...], wire("nonFundingLedgerUpdates", many(nested(LedgerUpdate)))]
    is_snapshot: Annotated[bool, wire("isSnapshot", flag)] = False
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class UserTwapSliceFills:
    user: Annotated[str, wire("user", text)]
    twap_slice_fills: Annotated[
        tuple[TwapSliceFill, ...], wire("twapSliceFills", many(nested(TwapSliceFill)))
    ]
    is_snapshot: Annotated[bool, wire("isSnapshot", flag)] = False
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class WebData2:
    """The frontend's aggregate of a user (superseded by webData3); the typed parts, the rest in `extra`."""

    clearinghouse_state: Annotated[
        ClearinghouseState | None, wire("clearinghouseState", nested(ClearinghouseState))
    ] = None
    open_orders: Annotated[tuple[Order, ...] | None, wire("openOrders", many(nested(Order)))] = None
    asset_ctxs: Annotated[tuple[AssetContext, ...] | None, wire("assetCtxs", asset_contexts)] = None
    user: Annotated[str | None, wire("user", text)] = None
    server_time: Annotated[int | None, wire("serverTime", integer)] = None
    meta: Annotated[Any, wire("meta", json_value)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class AllDexsAssetCtxs:
    ctxs: Annotated[dict[str, tuple[AssetContext, ...]], wire("ctxs", pairs(text, asset_contexts))]  # by dex
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class SubscriptionAck:
    method: Annotated[str, wire("method", text)]  # "subscribe" or "unsubscribe"
    subscription: Annotated[
        dict[str, Any], wire("subscription", mapping(json_value))
    ]  # echoed, defaults added
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def _record(cls: Callable[..., Any]) -> Callable[[Payload, Any, str], Any]:
    return lambda p, data, what: decode(p, cls, data, what)


def _notification(p: Payload, data: Any, what: str) -> str:
    return text(p, p.get(data, "notification", what), f"{what}.notification")


_CHANNELS: dict[str, Callable[[Payload, Any, str], Any]] = {
    "trades": lambda p, data, what: parse_trades(p, data, what),
    "l2Book": lambda p, data, what: parse_l2_book(data, p.request),
    "bbo": lambda p, data, what: parse_bbo(data, p.request),
    "candle": _record(Candle),
    "allMids": _record(AllMids),
    "activeAssetCtx": _record(ActiveAssetCtx),
    "activeSpotAssetCtx": _record(ActiveSpotAssetCtx),
    "activeAssetData": _record(ActiveAssetData),
    "user": _record(UserEvent),
    "userFills": _record(UserFills),
    "orderUpdates": lambda p, data, what: order_updates(p, data, what),
    "userFundings": _record(UserFundings),
    "userNonFundingLedgerUpdates": _record(UserLedgerUpdates),
    "userTwapSliceFills": _record(UserTwapSliceFills),
    "webData2": _record(WebData2),
    "notification": _notification,
    "allDexsAssetCtxs": _record(AllDexsAssetCtxs),
    "subscriptionResponse": _record(SubscriptionAck),
    "error": text,
}

CHANNELS = frozenset(_CHANNELS) | {"pong"}


def parse_ws_message(message: Any) -> WsMessage:
    """One decoded WebSocket message -> its channel and typed data."""
    p = Payload({"type": "ws"}, message)
    channel = p.text(message, "channel", "message")
    if channel == "pong":
        return WsMessage(channel, None)
    parse = _CHANNELS.get(channel)
    if parse is None:
        raise p.fail(f"message.channel {channel!r} is not one of {sorted(CHANNELS)}")
    p = Payload({"type": "ws", "channel": channel}, message)
    return WsMessage(channel, parse(p, p.get(message, "data", "message"), "data"))

"""A wallet's fills (`userFills`, `userFillsByTime`, `userTwapSliceFills`) and perp positions
(`clearinghouseState`, `activeAssetData`)."""

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
class Liquidation:
    mark_px: Annotated[float, wire("markPx", decimal)]
    method: Annotated[str, wire("method", text)]  # "market" or "backstop"
    liquidated_user: Annotated[str | None, wire("liquidatedUser", text)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class Fill:
    coin: Annotated[str, wire("coin", text)]
    px: Annotated[float, wire("px", decimal)]
    sz: Annotated[float, wire("sz", decimal)]
    side: Annotated[str, wire("side", side)]
    time: Annotated[int, wire("time", integer)]
    start_position: Annotated[float, wire("startPosition", decimal)]
    dir: Annotated[str, wire("dir", text)]
    closed_pnl: Annotated[float, wire("closedPnl", decimal)]
    hash: Annotated[str, wire("hash", text)]
    oid: Annotated[int, wire("oid", integer)]
    crossed: Annotated[bool, wire("crossed", flag)]  # True = taker
    fee: Annotated[float, wire("fee", decimal)]  # total, builder fee included; negative = rebate
    tid: Annotated[int | None, wire("tid", integer)] = None  # absent in 2023-era responses
    fee_token: Annotated[str | None, wire("feeToken", text)] = None
    builder_fee: Annotated[float | None, wire("builderFee", decimal)] = None
    twap_id: Annotated[int | None, wire("twapId", integer)] = None
    cloid: Annotated[str | None, wire("cloid", text)] = None
    liquidation: Annotated[Liquidation | None, wire("liquidation", nested(Liquidation))] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def key(self) -> tuple:
        """Identity for de-duplication across pages: (tid, time, hash); 2023-era fills have no
        tid, and one order filling several makers in a block repeats (time, hash, oid)."""
        if self.tid is not None:
            return (self.tid, self.time, self.hash)
        return (None, self.time, self.hash, self.oid, self.px, self.sz, self.start_position)


def parse_fills(body: Any, request: dict | None = None) -> list[Fill]:
    """Fills in the order the server sent them."""
    p = Payload(request or {"type": "userFills"}, body)
    return [decode(p, Fill, raw, f"fills[{i}]") for i, raw in enumerate(p.array(body, "fills"))]


@dataclass(frozen=True, kw_only=True)
class TwapSliceFill:
    fill: Annotated[Fill, wire("fill", nested(Fill))]
    twap_id: Annotated[int, wire("twapId", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_twap_slice_fills(body: Any, request: dict | None = None) -> list[TwapSliceFill]:
    p = Payload(request or {"type": "userTwapSliceFills"}, body)
    return [
        decode(p, TwapSliceFill, raw, f"twapSliceFills[{i}]") for i, raw in enumerate(p.array(body, "fills"))
    ]


@dataclass(frozen=True, kw_only=True)
class MarginSummary:
    account_value: Annotated[float, wire("accountValue", decimal)]
    total_margin_used: Annotated[float, wire("totalMarginUsed", decimal)]
    total_ntl_pos: Annotated[float, wire("totalNtlPos", decimal)]
    total_raw_usd: Annotated[float, wire("totalRawUsd", decimal)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class Position:
    """One entry of `assetPositions`: the `position` object and its wrapper's `type`."""

    coin: Annotated[str, wire("position.coin", text)]
    szi: Annotated[float, wire("position.szi", decimal)]  # signed size: negative = short
    leverage_type: Annotated[str, wire("position.leverage.type", text)]  # "cross" or "isolated"
    leverage: Annotated[int, wire("position.leverage.value", integer)]
    margin_used: Annotated[float, wire("position.marginUsed", decimal)]
    position_value: Annotated[float, wire("position.positionValue", decimal)]
    return_on_equity: Annotated[float, wire("position.returnOnEquity", decimal)]
    unrealized_pnl: Annotated[float, wire("position.unrealizedPnl", decimal)]
    entry_px: Annotated[float | None, wire("position.entryPx", decimal)] = None
    leverage_raw_usd: Annotated[float | None, wire("position.leverage.rawUsd", decimal)] = None  # isolated
    liquidation_px: Annotated[float | None, wire("position.liquidationPx", decimal)] = None
    max_leverage: Annotated[int | None, wire("position.maxLeverage", integer)] = None
    cum_funding_all_time: Annotated[float | None, wire("position.cumFunding.allTime", decimal)] = None
    cum_funding_since_open: Annotated[float | None, wire("position.cumFunding.sinceOpen", decimal)] = None
    cum_funding_since_change: Annotated[float | None, wire("position.cumFunding.sinceChange", decimal)] = None
    max_trade_szs: Annotated[tuple[float, ...] | None, wire("position.maxTradeSzs", many(decimal))] = None
    position_type: Annotated[str | None, wire("type", text)] = None  # "oneWay"
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class ClearinghouseState:
    positions: Annotated[tuple[Position, ...], wire("assetPositions", many(nested(Position)))]
    margin_summary: Annotated[MarginSummary, wire("marginSummary", nested(MarginSummary))]
    cross_margin_summary: Annotated[MarginSummary, wire("crossMarginSummary", nested(MarginSummary))]
    withdrawable: Annotated[float, wire("withdrawable", decimal)]
    cross_maintenance_margin_used: Annotated[float | None, wire("crossMaintenanceMarginUsed", decimal)] = None
    time: Annotated[int | None, wire("time", integer)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_clearinghouse_state(body: Any, request: dict | None = None) -> ClearinghouseState:
    p = Payload(request or {"type": "clearinghouseState"}, body)
    return decode(p, ClearinghouseState, body, "clearinghouseState")


@dataclass(frozen=True, kw_only=True)
class ActiveAssetData:
    """A user's leverage and tradeable sizes on one perp (`activeAssetData`, REST and WebSocket)."""

    user: Annotated[str, wire("user", text)]
    coin: Annotated[str, wire("coin", text)]
    leverage_type: Annotated[str, wire("leverage.type", text)]
    leverage: Annotated[int, wire("leverage.value", integer)]
    max_trade_szs: Annotated[tuple[float, ...], wire("maxTradeSzs", many(decimal))]  # (buy, sell)
    available_to_trade: Annotated[tuple[float, ...], wire("availableToTrade", many(decimal))]  # (buy, sell)
    leverage_raw_usd: Annotated[float | None, wire("leverage.rawUsd", decimal)] = None
    mark_px: Annotated[float | None, wire("markPx", decimal)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_active_asset_data(body: Any, request: dict | None = None) -> ActiveAssetData:
    return decode(
        Payload(request or {"type": "activeAssetData"}, body), ActiveAssetData, body, "activeAssetData"
    )

"""A wallet's fills (`userFills`, `userFillsByTime`) and positions (`clearinghouseState`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hl_pipeline.exchange.parsing import Payload


@dataclass(frozen=True)
class Liquidation:
    liquidated_user: str | None
    mark_px: float
    method: str  # "market" or "backstop"


@dataclass(frozen=True)
class Fill:
    coin: str
    px: float
    sz: float
    side: str
    time: int
    start_position: float
    dir: str
    closed_pnl: float
    hash: str
    oid: int
    crossed: bool  # True = taker
    fee: float  # total, builder fee included; negative = rebate
    tid: int | None  # absent in 2023-era responses
    fee_token: str | None = None
    builder_fee: float | None = None
    twap_id: int | None = None
    cloid: str | None = None
    liquidation: Liquidation | None = None

    @property
    def key(self) -> tuple:
        """Identity for de-duplication across pages: (tid, time, hash); 2023-era fills have no
        tid, and one order filling several makers in a block repeats (time, hash, oid)."""
        if self.tid is not None:
            return (self.tid, self.time, self.hash)
        return (None, self.time, self.hash, self.oid, self.px, self.sz, self.start_position)


def _fill(p: Payload, raw: Any, w: str) -> Fill:
    liq = p.obj(raw, w).get("liquidation")
    if liq is not None:
        user = p.obj(liq, f"{w}.liquidation").get("liquidatedUser")
        if user is not None and not isinstance(user, str):
            raise p.fail(f"{w}.liquidation.liquidatedUser should be a string, got {user!r}")
        liq = Liquidation(
            user, p.number(liq, "markPx", f"{w}.liquidation"), p.text(liq, "method", f"{w}.liquidation")
        )
    fee_token, cloid = raw.get("feeToken"), raw.get("cloid")
    for key, value in (("feeToken", fee_token), ("cloid", cloid)):
        if value is not None and not isinstance(value, str):
            raise p.fail(f"{w}.{key} should be a string, got {value!r}")
    return Fill(
        coin=p.text(raw, "coin", w),
        px=p.number(raw, "px", w),
        sz=p.number(raw, "sz", w),
        side=p.side(raw, w),
        time=p.integer(raw, "time", w),
        start_position=p.number(raw, "startPosition", w),
        dir=p.text(raw, "dir", w),
        closed_pnl=p.number(raw, "closedPnl", w),
        hash=p.text(raw, "hash", w),
        oid=p.integer(raw, "oid", w),
        crossed=p.flag(raw, "crossed", w),
        fee=p.number(raw, "fee", w),
        tid=p.opt_integer(raw, "tid", w),
        fee_token=fee_token,
        builder_fee=p.opt_number(raw, "builderFee", w),
        twap_id=p.opt_integer(raw, "twapId", w),
        cloid=cloid,
        liquidation=liq,
    )


def parse_fills(body: Any, request: dict | None = None) -> list[Fill]:
    """Fills in the order the server sent them."""
    p = Payload(request or {"type": "userFills"}, body)
    return [_fill(p, raw, f"fills[{i}]") for i, raw in enumerate(p.array(body, "fills"))]


@dataclass(frozen=True)
class MarginSummary:
    account_value: float
    total_margin_used: float
    total_ntl_pos: float
    total_raw_usd: float


@dataclass(frozen=True)
class Position:
    coin: str
    szi: float  # signed size: negative = short
    entry_px: float | None
    leverage_type: str  # "cross" or "isolated"
    leverage: int
    leverage_raw_usd: float | None  # isolated only
    liquidation_px: float | None
    margin_used: float
    position_value: float
    return_on_equity: float
    unrealized_pnl: float
    max_leverage: int | None = None
    cum_funding_all_time: float | None = None
    cum_funding_since_open: float | None = None
    cum_funding_since_change: float | None = None


@dataclass(frozen=True)
class ClearinghouseState:
    positions: tuple[Position, ...]
    margin_summary: MarginSummary
    cross_margin_summary: MarginSummary
    withdrawable: float
    cross_maintenance_margin_used: float | None = None
    time: int | None = None


def _summary(p: Payload, raw: Any, w: str) -> MarginSummary:
    return MarginSummary(
        p.number(raw, "accountValue", w),
        p.number(raw, "totalMarginUsed", w),
        p.number(raw, "totalNtlPos", w),
        p.number(raw, "totalRawUsd", w),
    )


def _position(p: Payload, wrapper: Any, w: str) -> Position:
    raw = p.get(wrapper, "position", w)
    w = f"{w}.position"
    lev = p.get(raw, "leverage", w)
    cum = p.obj(raw, w).get("cumFunding")
    cum = {} if cum is None else p.obj(cum, f"{w}.cumFunding")
    return Position(
        coin=p.text(raw, "coin", w),
        szi=p.number(raw, "szi", w),
        entry_px=p.opt_number(raw, "entryPx", w),
        leverage_type=p.text(lev, "type", f"{w}.leverage"),
        leverage=p.integer(lev, "value", f"{w}.leverage"),
        leverage_raw_usd=p.opt_number(lev, "rawUsd", f"{w}.leverage"),
        liquidation_px=p.opt_number(raw, "liquidationPx", w),
        margin_used=p.number(raw, "marginUsed", w),
        position_value=p.number(raw, "positionValue", w),
        return_on_equity=p.number(raw, "returnOnEquity", w),
        unrealized_pnl=p.number(raw, "unrealizedPnl", w),
        max_leverage=p.opt_integer(raw, "maxLeverage", w),
        cum_funding_all_time=p.opt_number(cum, "allTime", f"{w}.cumFunding"),
        cum_funding_since_open=p.opt_number(cum, "sinceOpen", f"{w}.cumFunding"),
        cum_funding_since_change=p.opt_number(cum, "sinceChange", f"{w}.cumFunding"),
    )


def parse_clearinghouse_state(body: Any, request: dict | None = None) -> ClearinghouseState:
    p = Payload(request or {"type": "clearinghouseState"}, body)
    w = "clearinghouseState"
    positions = p.array(p.get(body, "assetPositions", w), "assetPositions")
    return ClearinghouseState(
        positions=tuple(_position(p, raw, f"assetPositions[{i}]") for i, raw in enumerate(positions)),
        margin_summary=_summary(p, p.get(body, "marginSummary", w), "marginSummary"),
        cross_margin_summary=_summary(p, p.get(body, "crossMarginSummary", w), "crossMarginSummary"),
        withdrawable=p.number(body, "withdrawable", w),
        cross_maintenance_margin_used=p.opt_number(body, "crossMaintenanceMarginUsed", w),
        time=p.opt_integer(body, "time", w),
    )

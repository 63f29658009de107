"""The perp universe (`meta`, `allPerpMetas`), its asset contexts (`metaAndAssetCtxs`) and `allMids`."""

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
    pairs,
    text,
    wire,
)


@dataclass(frozen=True, kw_only=True)
class Asset:
    asset_id: int  # the index in `universe`
    name: Annotated[str, wire("name", text)]
    sz_decimals: Annotated[int, wire("szDecimals", integer)]
    max_leverage: Annotated[int, wire("maxLeverage", integer)]
    is_delisted: Annotated[bool, wire("isDelisted", flag)] = False
    only_isolated: Annotated[bool, wire("onlyIsolated", flag)] = False  # deprecated
    margin_mode: Annotated[str | None, wire("marginMode", text)] = None  # "strictIsolated" | "noCross"
    margin_table_id: Annotated[int | None, wire("marginTableId", integer)] = None
    growth_mode: Annotated[str | None, wire("growthMode", text)] = None  # HIP-3
    last_growth_mode_change_time: Annotated[str | None, wire("lastGrowthModeChangeTime", text)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class MarginTier:
    lower_bound: Annotated[float, wire("lowerBound", decimal)]
    max_leverage: Annotated[int, wire("maxLeverage", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class MarginTable:
    description: Annotated[str, wire("description", text)]
    margin_tiers: Annotated[tuple[MarginTier, ...], wire("marginTiers", many(nested(MarginTier)))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def _universe(p: Payload, value: Any, what: str) -> tuple[Asset, ...]:
    rows = p.array(value, what)
    return tuple(decode(p, Asset, raw, f"{what}[{i}]", asset_id=i) for i, raw in enumerate(rows))


@dataclass(frozen=True, kw_only=True)
class Meta:
    universe: Annotated[tuple[Asset, ...], wire("universe", _universe)]
    margin_tables: Annotated[
        dict[int, MarginTable] | None, wire("marginTables", pairs(integer, nested(MarginTable)))
    ] = None
    collateral_token: Annotated[int | None, wire("collateralToken", integer)] = None  # spot token index
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.universe]

    def asset(self, name: str) -> Asset | None:
        return next((a for a in self.universe if a.name == name), None)


def parse_meta(body: Any, request: dict | None = None) -> Meta:
    return decode(Payload(request or {"type": "meta"}, body), Meta, body, "meta")


def _impact(p: Payload, value: Any, what: str) -> tuple[float, float]:
    pair = p.array(value, what)
    if len(pair) != 2:
        raise p.fail(f"{what} should hold [bid, ask], got {pair!r}")
    return p.decimal(pair[0], f"{what}[0]"), p.decimal(pair[1], f"{what}[1]")


@dataclass(frozen=True, kw_only=True)
class AssetContext:
    """One perp's live context; every field may be null on a quiet or new market."""

    funding: Annotated[float | None, wire("funding", decimal)] = None  # current hourly rate
    open_interest: Annotated[float | None, wire("openInterest", decimal)] = None
    prev_day_px: Annotated[float | None, wire("prevDayPx", decimal)] = None
    day_ntl_vlm: Annotated[float | None, wire("dayNtlVlm", decimal)] = None
    day_base_vlm: Annotated[float | None, wire("dayBaseVlm", decimal)] = None
    premium: Annotated[float | None, wire("premium", decimal)] = None
    oracle_px: Annotated[float | None, wire("oraclePx", decimal)] = None
    mark_px: Annotated[float | None, wire("markPx", decimal)] = None
    mid_px: Annotated[float | None, wire("midPx", decimal)] = None
    impact_pxs: Annotated[tuple[float, float] | None, wire("impactPxs", _impact)] = None  # (bid, ask)
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def asset_contexts(p: Payload, value: Any, what: str) -> tuple[AssetContext, ...]:
    return many(nested(AssetContext))(p, value, what)


def _meta_and_ctxs(p: Payload, body: Any, what: str) -> tuple[Meta, list[AssetContext]]:
    pair = p.array(body, what)
    if len(pair) != 2:
        raise p.fail(f"expected [meta, contexts], got an array of {len(pair)}")
    meta = decode(p, Meta, pair[0], "meta")
    ctxs = list(asset_contexts(p, pair[1], "contexts"))
    if len(ctxs) != len(meta.universe):
        raise p.fail(f"{len(ctxs)} contexts for {len(meta.universe)} assets")
    return meta, ctxs


def parse_meta_and_asset_ctxs(body: Any, request: dict | None = None) -> tuple[Meta, list[AssetContext]]:
    return _meta_and_ctxs(Payload(request or {"type": "metaAndAssetCtxs"}, body), body, "metaAndAssetCtxs")


def parse_all_perp_metas(
    body: Any, request: dict | None = None
) -> list[tuple[Meta, list[AssetContext] | None]]:
    """Every perp dex's meta, first dex first, with its contexts when the server pairs them
    (the docs' example shows `[meta, contexts]` per dex; a bare meta per dex is read too)."""
    p = Payload(request or {"type": "allPerpMetas"}, body)
    out: list[tuple[Meta, list[AssetContext] | None]] = []
    for i, raw in enumerate(p.array(body, "allPerpMetas")):
        what = f"allPerpMetas[{i}]"
        out.append(
            _meta_and_ctxs(p, raw, what) if isinstance(raw, list) else (decode(p, Meta, raw, what), None)
        )
    return out


def parse_all_mids(body: Any, request: dict | None = None) -> dict[str, float]:
    p = Payload(request or {"type": "allMids"}, body)
    return {coin: p.decimal(px, f"allMids[{coin!r}]") for coin, px in p.obj(body, "allMids").items()}

"""The perp universe (`meta`), its asset contexts (`metaAndAssetCtxs`) and `allMids`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hl_pipeline.exchange.parsing import Payload


@dataclass(frozen=True)
class Asset:
    asset_id: int  # the index in `universe`
    name: str
    sz_decimals: int
    max_leverage: int
    is_delisted: bool = False
    only_isolated: bool = False


@dataclass(frozen=True)
class Meta:
    universe: tuple[Asset, ...]

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.universe]

    def asset(self, name: str) -> Asset | None:
        return next((a for a in self.universe if a.name == name), None)


@dataclass(frozen=True)
class AssetContext:
    """One asset's live context; every field may be null on a quiet or new market."""

    funding: float | None  # current hourly rate
    open_interest: float | None
    prev_day_px: float | None
    day_ntl_vlm: float | None
    day_base_vlm: float | None
    premium: float | None
    oracle_px: float | None
    mark_px: float | None
    mid_px: float | None
    impact_pxs: tuple[float, float] | None  # (impact bid, impact ask)


def _meta(p: Payload, body: Any) -> Meta:
    universe = p.array(p.get(body, "universe", "meta"), "meta.universe")
    assets = []
    for i, raw in enumerate(universe):
        what = f"universe[{i}]"
        assets.append(
            Asset(
                asset_id=i,
                name=p.text(raw, "name", what),
                sz_decimals=p.integer(raw, "szDecimals", what),
                max_leverage=p.integer(raw, "maxLeverage", what),
                is_delisted=p.flag(raw, "isDelisted", what, default=False),
                only_isolated=p.flag(raw, "onlyIsolated", what, default=False),
            )
        )
    return Meta(tuple(assets))


def parse_meta(body: Any, request: dict | None = None) -> Meta:
    return _meta(Payload(request or {"type": "meta"}, body), body)


_CTX_KEYS = {
    "funding": "funding",
    "open_interest": "openInterest",
    "prev_day_px": "prevDayPx",
    "day_ntl_vlm": "dayNtlVlm",
    "day_base_vlm": "dayBaseVlm",
    "premium": "premium",
    "oracle_px": "oraclePx",
    "mark_px": "markPx",
    "mid_px": "midPx",
}


def _context(p: Payload, raw: Any, what: str) -> AssetContext:
    values = {attr: p.opt_number(raw, key, what) for attr, key in _CTX_KEYS.items()}
    impact = raw.get("impactPxs")
    if impact is not None:
        pair = p.array(impact, f"{what}.impactPxs")
        if len(pair) != 2:
            raise p.fail(f"{what}.impactPxs should hold [bid, ask], got {pair!r}")
        impact = (p.decimal(pair[0], f"{what}.impactPxs[0]"), p.decimal(pair[1], f"{what}.impactPxs[1]"))
    return AssetContext(**values, impact_pxs=impact)


def parse_meta_and_asset_ctxs(body: Any, request: dict | None = None) -> tuple[Meta, list[AssetContext]]:
    p = Payload(request or {"type": "metaAndAssetCtxs"}, body)
    pair = p.array(body, "metaAndAssetCtxs")
    if len(pair) != 2:
        raise p.fail(f"expected [meta, contexts], got an array of {len(pair)}")
    meta = _meta(p, pair[0])
    raw_ctxs = p.array(pair[1], "contexts")
    if len(raw_ctxs) != len(meta.universe):
        raise p.fail(f"{len(raw_ctxs)} contexts for {len(meta.universe)} assets")
    return meta, [_context(p, raw, f"contexts[{i}]") for i, raw in enumerate(raw_ctxs)]


def parse_all_mids(body: Any, request: dict | None = None) -> dict[str, float]:
    p = Payload(request or {"type": "allMids"}, body)
    return {coin: p.decimal(px, f"allMids[{coin!r}]") for coin, px in p.obj(body, "allMids").items()}

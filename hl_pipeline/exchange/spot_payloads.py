"""Spot: tokens and pairs (`spotMeta`), their contexts (`spotMetaAndAssetCtxs`), a wallet's
balances (`spotClearinghouseState`) and one token's supply (`tokenDetails`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import (
    decimal,
    decode,
    flag,
    integer,
    json_value,
    many,
    nested,
    text,
    wire,
)


@dataclass(frozen=True, kw_only=True)
class SpotToken:
    name: Annotated[str, wire("name", text)]
    index: Annotated[int, wire("index", integer)]
    sz_decimals: Annotated[int, wire("szDecimals", integer)]
    wei_decimals: Annotated[int, wire("weiDecimals", integer)]
    token_id: Annotated[str, wire("tokenId", text)]
    is_canonical: Annotated[bool, wire("isCanonical", flag)]
    full_name: Annotated[str | None, wire("fullName", text)] = None
    evm_contract: Annotated[Any, wire("evmContract", json_value)] = None  # {address, evm_extra_wei_decimals}
    deployer_trading_fee_share: Annotated[float | None, wire("deployerTradingFeeShare", decimal)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class SpotPair:
    name: Annotated[str, wire("name", text)]  # "PURR/USDC", or "@<index>" (the coin to send)
    index: Annotated[int, wire("index", integer)]  # spot asset id = 10000 + index
    tokens: Annotated[tuple[int, ...], wire("tokens", many(integer))]  # (base, quote) token indices
    is_canonical: Annotated[bool, wire("isCanonical", flag)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class SpotMeta:
    tokens: Annotated[tuple[SpotToken, ...], wire("tokens", many(nested(SpotToken)))]
    universe: Annotated[tuple[SpotPair, ...], wire("universe", many(nested(SpotPair)))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_spot_meta(body: Any, request: dict | None = None) -> SpotMeta:
    return decode(Payload(request or {"type": "spotMeta"}, body), SpotMeta, body, "spotMeta")


@dataclass(frozen=True, kw_only=True)
class SpotAssetContext:
    """One spot pair's live context (WebSocket `activeSpotAssetCtx` sends the same)."""

    mark_px: Annotated[float | None, wire("markPx", decimal)] = None
    mid_px: Annotated[float | None, wire("midPx", decimal)] = None
    prev_day_px: Annotated[float | None, wire("prevDayPx", decimal)] = None
    day_ntl_vlm: Annotated[float | None, wire("dayNtlVlm", decimal)] = None
    day_base_vlm: Annotated[float | None, wire("dayBaseVlm", decimal)] = None
    circulating_supply: Annotated[float | None, wire("circulatingSupply", decimal)] = None
    total_supply: Annotated[float | None, wire("totalSupply", decimal)] = None
    coin: Annotated[str | None, wire("coin", text)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_spot_meta_and_asset_ctxs(
    body: Any, request: dict | None = None
) -> tuple[SpotMeta, list[SpotAssetContext]]:
    p = Payload(request or {"type": "spotMetaAndAssetCtxs"}, body)
    pair = p.array(body, "spotMetaAndAssetCtxs")
    if len(pair) != 2:
        raise p.fail(f"expected [spotMeta, contexts], got an array of {len(pair)}")
    contexts = p.array(pair[1], "contexts")
    return decode(p, SpotMeta, pair[0], "spotMeta"), [
        decode(p, SpotAssetContext, raw, f"contexts[{i}]") for i, raw in enumerate(contexts)
    ]


@dataclass(frozen=True, kw_only=True)
class SpotBalance:
    coin: Annotated[str, wire("coin", text)]
    token: Annotated[int, wire("token", integer)]
    total: Annotated[float, wire("total", decimal)]
    hold: Annotated[float, wire("hold", decimal)]  # reserved by open orders
    entry_ntl: Annotated[float | None, wire("entryNtl", decimal)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class SpotClearinghouseState:
    balances: Annotated[tuple[SpotBalance, ...], wire("balances", many(nested(SpotBalance)))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_spot_clearinghouse_state(body: Any, request: dict | None = None) -> SpotClearinghouseState:
    p = Payload(request or {"type": "spotClearinghouseState"}, body)
    return decode(p, SpotClearinghouseState, body, "spotClearinghouseState")


@dataclass(frozen=True, kw_only=True)
class TokenDetails:
    name: Annotated[str, wire("name", text)]
    sz_decimals: Annotated[int, wire("szDecimals", integer)]
    wei_decimals: Annotated[int, wire("weiDecimals", integer)]
    max_supply: Annotated[float | None, wire("maxSupply", decimal)] = None
    total_supply: Annotated[float | None, wire("totalSupply", decimal)] = None
    circulating_supply: Annotated[float | None, wire("circulatingSupply", decimal)] = None
    mid_px: Annotated[float | None, wire("midPx", decimal)] = None
    mark_px: Annotated[float | None, wire("markPx", decimal)] = None
    prev_day_px: Annotated[float | None, wire("prevDayPx", decimal)] = None
    deployer: Annotated[str | None, wire("deployer", text)] = None
    deploy_gas: Annotated[float | None, wire("deployGas", decimal)] = None
    deploy_time: Annotated[str | None, wire("deployTime", text)] = None
    seeded_usdc: Annotated[float | None, wire("seededUsdc", decimal)] = None
    future_emissions: Annotated[float | None, wire("futureEmissions", decimal)] = None
    genesis: Annotated[Any, wire("genesis", json_value)] = None  # {userBalances, existingTokenBalances}
    non_circulating_user_balances: Annotated[Any, wire("nonCirculatingUserBalances", json_value)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_token_details(body: Any, request: dict | None = None) -> TokenDetails:
    return decode(Payload(request or {"type": "tokenDetails"}, body), TokenDetails, body, "tokenDetails")

"""Builder-deployed perp dexes (HIP-3): `perpDexs`, `perpDexLimits`, `perpDexStatus`, the
`perpDeployAuctionStatus` and `spotPairDeployAuctionStatus` gas auctions, `spotDeployState`, and the
perp labels (`perpAnnotation`, `perpConciseAnnotations`, `perpCategories`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import (
    decimal,
    decode,
    integer,
    json_value,
    many,
    nested,
    nullable,
    pairs,
    text,
    wire,
)


@dataclass(frozen=True, kw_only=True)
class PerpDex:
    name: Annotated[str, wire("name", text)]
    full_name: Annotated[str | None, wire("fullName", text)] = None
    deployer: Annotated[str | None, wire("deployer", text)] = None
    oracle_updater: Annotated[str | None, wire("oracleUpdater", text)] = None
    fee_recipient: Annotated[str | None, wire("feeRecipient", text)] = None
    asset_to_streaming_oi_cap: Annotated[
        dict[str, float] | None, wire("assetToStreamingOiCap", pairs(text, decimal))
    ] = None
    asset_to_funding_multiplier: Annotated[
        dict[str, float] | None, wire("assetToFundingMultiplier", pairs(text, decimal))
    ] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_perp_dexs(body: Any, request: dict | None = None) -> list[PerpDex | None]:
    """Every perp dex; the first (None) is the main dex, whose name is the empty string."""
    p = Payload(request or {"type": "perpDexs"}, body)
    return list(many(nullable(nested(PerpDex)))(p, body, "perpDexs"))


@dataclass(frozen=True, kw_only=True)
class PerpDexLimits:
    total_oi_cap: Annotated[float, wire("totalOiCap", decimal)]
    oi_sz_cap_per_perp: Annotated[float, wire("oiSzCapPerPerp", decimal)]
    max_transfer_ntl: Annotated[float, wire("maxTransferNtl", decimal)]
    coin_to_oi_cap: Annotated[dict[str, float], wire("coinToOiCap", pairs(text, decimal))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_perp_dex_limits(body: Any, request: dict | None = None) -> PerpDexLimits:
    return decode(Payload(request or {"type": "perpDexLimits"}, body), PerpDexLimits, body, "perpDexLimits")


@dataclass(frozen=True, kw_only=True)
class PerpDexStatus:
    total_net_deposit: Annotated[float, wire("totalNetDeposit", decimal)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_perp_dex_status(body: Any, request: dict | None = None) -> PerpDexStatus:
    return decode(Payload(request or {"type": "perpDexStatus"}, body), PerpDexStatus, body, "perpDexStatus")


@dataclass(frozen=True, kw_only=True)
class GasAuction:
    start_time_seconds: Annotated[int, wire("startTimeSeconds", integer)]
    duration_seconds: Annotated[int, wire("durationSeconds", integer)]
    start_gas: Annotated[float, wire("startGas", decimal)]
    current_gas: Annotated[float | None, wire("currentGas", decimal)] = None
    end_gas: Annotated[float | None, wire("endGas", decimal)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_gas_auction(body: Any, request: dict | None = None) -> GasAuction:
    """`perpDeployAuctionStatus` or `spotPairDeployAuctionStatus`."""
    req = request or {"type": "perpDeployAuctionStatus"}
    return decode(Payload(req, body), GasAuction, body, req["type"])


@dataclass(frozen=True, kw_only=True)
class SpotDeployState:
    states: Annotated[
        Any, wire("states", json_value)
    ]  # one per token being deployed: spec, genesis balances, ...
    gas_auction: Annotated[GasAuction, wire("gasAuction", nested(GasAuction))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_spot_deploy_state(body: Any, request: dict | None = None) -> SpotDeployState:
    p = Payload(request or {"type": "spotDeployState"}, body)
    return decode(p, SpotDeployState, body, "spotDeployState")


@dataclass(frozen=True, kw_only=True)
class PerpAnnotation:
    category: Annotated[str | None, wire("category", text)] = None
    description: Annotated[str | None, wire("description", text)] = None
    keywords: Annotated[tuple[str, ...] | None, wire("keywords", many(text))] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_perp_annotation(body: Any, request: dict | None = None) -> PerpAnnotation | None:
    """A perp's label; None for a coin without one."""
    p = Payload(request or {"type": "perpAnnotation"}, body)
    return None if body is None else decode(p, PerpAnnotation, body, "perpAnnotation")


def parse_perp_concise_annotations(body: Any, request: dict | None = None) -> dict[str, PerpAnnotation]:
    p = Payload(request or {"type": "perpConciseAnnotations"}, body)
    return pairs(text, nested(PerpAnnotation))(p, body, "perpConciseAnnotations")


def parse_perp_categories(body: Any, request: dict | None = None) -> dict[str, str]:
    """{coin: category}."""
    return pairs(text, text)(Payload(request or {"type": "perpCategories"}, body), body, "perpCategories")

"""Who a wallet is and what it may do: `userRole`, `userRateLimit`, `userFees`, `referral`,
`subAccounts`, `extraAgents`, builder approvals and account abstraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.account_payloads import ClearinghouseState
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
from hl_pipeline.exchange.spot_payloads import SpotClearinghouseState


@dataclass(frozen=True, kw_only=True)
class UserRole:
    role: Annotated[str, wire("role", text)]  # "missing", "user", "agent", "vault" or "subAccount"
    user: Annotated[str | None, wire("data.user", text)] = None  # an agent's owner
    master: Annotated[str | None, wire("data.master", text)] = None  # a sub-account's master
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_user_role(body: Any, request: dict | None = None) -> UserRole:
    return decode(Payload(request or {"type": "userRole"}, body), UserRole, body, "userRole")


@dataclass(frozen=True, kw_only=True)
class UserRateLimit:
    """The address-based action budget: one request per 1 USDC traded plus a 10000 buffer."""

    cum_vlm: Annotated[float, wire("cumVlm", decimal)]
    n_requests_used: Annotated[int, wire("nRequestsUsed", integer)]
    n_requests_cap: Annotated[int, wire("nRequestsCap", integer)]
    n_requests_surplus: Annotated[int | None, wire("nRequestsSurplus", integer)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_user_rate_limit(body: Any, request: dict | None = None) -> UserRateLimit:
    p = Payload(request or {"type": "userRateLimit"}, body)
    return decode(p, UserRateLimit, body, "userRateLimit")


@dataclass(frozen=True, kw_only=True)
class DailyVolume:
    date: Annotated[str, wire("date", text)]  # YYYY-MM-DD
    user_cross: Annotated[float, wire("userCross", decimal)]  # taker volume
    user_add: Annotated[float, wire("userAdd", decimal)]  # maker volume
    exchange: Annotated[float, wire("exchange", decimal)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class FeeSchedule:
    cross: Annotated[float, wire("cross", decimal)]
    add: Annotated[float, wire("add", decimal)]
    spot_cross: Annotated[float | None, wire("spotCross", decimal)] = None
    spot_add: Annotated[float | None, wire("spotAdd", decimal)] = None
    referral_discount: Annotated[float | None, wire("referralDiscount", decimal)] = None
    tiers: Annotated[Any, wire("tiers", json_value)] = None  # {vip: [...], mm: [...]}
    staking_discount_tiers: Annotated[Any, wire("stakingDiscountTiers", json_value)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class UserFees:
    daily_user_vlm: Annotated[tuple[DailyVolume, ...], wire("dailyUserVlm", many(nested(DailyVolume)))]
    fee_schedule: Annotated[FeeSchedule, wire("feeSchedule", nested(FeeSchedule))]
    user_cross_rate: Annotated[float, wire("userCrossRate", decimal)]  # the user's taker rate
    user_add_rate: Annotated[float, wire("userAddRate", decimal)]  # the user's maker rate
    user_spot_cross_rate: Annotated[float | None, wire("userSpotCrossRate", decimal)] = None
    user_spot_add_rate: Annotated[float | None, wire("userSpotAddRate", decimal)] = None
    active_referral_discount: Annotated[float | None, wire("activeReferralDiscount", decimal)] = None
    fee_trial_reward: Annotated[float | None, wire("feeTrialReward", decimal)] = None
    next_trial_available_timestamp: Annotated[int | None, wire("nextTrialAvailableTimestamp", integer)] = None
    trial: Annotated[Any, wire("trial", json_value)] = None
    staking_link: Annotated[Any, wire("stakingLink", json_value)] = None  # {type, stakingUser}
    active_staking_discount: Annotated[Any, wire("activeStakingDiscount", json_value)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_user_fees(body: Any, request: dict | None = None) -> UserFees:
    return decode(Payload(request or {"type": "userFees"}, body), UserFees, body, "userFees")


@dataclass(frozen=True, kw_only=True)
class Referral:
    cum_vlm: Annotated[float, wire("cumVlm", decimal)]
    unclaimed_rewards: Annotated[float, wire("unclaimedRewards", decimal)]
    claimed_rewards: Annotated[float, wire("claimedRewards", decimal)]
    builder_rewards: Annotated[float | None, wire("builderRewards", decimal)] = None
    referrer: Annotated[str | None, wire("referredBy.referrer", text)] = None
    referrer_code: Annotated[str | None, wire("referredBy.code", text)] = None
    referrer_state: Annotated[Any, wire("referrerState", json_value)] = None  # {stage, data}
    reward_history: Annotated[Any, wire("rewardHistory", json_value)] = None
    token_to_state: Annotated[Any, wire("tokenToState", json_value)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_referral(body: Any, request: dict | None = None) -> Referral:
    return decode(Payload(request or {"type": "referral"}, body), Referral, body, "referral")


@dataclass(frozen=True, kw_only=True)
class SubAccount:
    name: Annotated[str, wire("name", text)]
    sub_account_user: Annotated[str, wire("subAccountUser", text)]
    master: Annotated[str, wire("master", text)]
    clearinghouse_state: Annotated[ClearinghouseState, wire("clearinghouseState", nested(ClearinghouseState))]
    spot_state: Annotated[
        SpotClearinghouseState | None, wire("spotState", nested(SpotClearinghouseState))
    ] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_sub_accounts(body: Any, request: dict | None = None) -> list[SubAccount]:
    """A master's sub-accounts; the server sends null for none."""
    p = Payload(request or {"type": "subAccounts"}, body)
    if body is None:
        return []
    return [
        decode(p, SubAccount, raw, f"subAccounts[{i}]") for i, raw in enumerate(p.array(body, "subAccounts"))
    ]


@dataclass(frozen=True, kw_only=True)
class ExtraAgent:
    name: Annotated[str, wire("name", text)]
    address: Annotated[str, wire("address", text)]
    valid_until: Annotated[int, wire("validUntil", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_extra_agents(body: Any, request: dict | None = None) -> list[ExtraAgent]:
    p = Payload(request or {"type": "extraAgents"}, body)
    return [decode(p, ExtraAgent, raw, f"agents[{i}]") for i, raw in enumerate(p.array(body, "agents"))]


def parse_addresses(body: Any, request: dict) -> list[str]:
    """A JSON array of addresses (`approvedBuilders`)."""
    p = Payload(request, body)
    return [text(p, a, f"{request['type']}[{i}]") for i, a in enumerate(p.array(body, request["type"]))]


def parse_integer(body: Any, request: dict) -> int:
    """A bare JSON integer (`maxBuilderFee`, in tenths of a basis point)."""
    return integer(Payload(request, body), body, request["type"])


def parse_flag(body: Any, request: dict) -> bool:
    """A bare JSON boolean (`userDexAbstraction`)."""
    return flag(Payload(request, body), body, request["type"])


def parse_text(body: Any, request: dict) -> str:
    """A bare JSON string (`userAbstraction`: "unifiedAccount", "portfolioMargin", "disabled", ...)."""
    return text(Payload(request, body), body, request["type"])

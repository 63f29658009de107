"""Performance and vaults: `portfolio`, `vaultDetails`, `userVaultEquities`."""

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
    number,
    pairs,
    text,
    wire,
)


def _series(p: Payload, value: Any, what: str) -> tuple[tuple[int, float], ...]:
    """`[[time ms, "decimal"], ...]` -> ((time, value), ...)."""
    out = []
    for i, point in enumerate(p.array(value, what)):
        if not isinstance(point, list) or len(point) != 2:
            raise p.fail(f"{what}[{i}] should be [time, value], got {point!r}")
        out.append((integer(p, point[0], f"{what}[{i}][0]"), decimal(p, point[1], f"{what}[{i}][1]")))
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class PortfolioPeriod:
    account_value_history: Annotated[tuple[tuple[int, float], ...], wire("accountValueHistory", _series)]
    pnl_history: Annotated[tuple[tuple[int, float], ...], wire("pnlHistory", _series)]
    vlm: Annotated[float, wire("vlm", decimal)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


portfolio_periods = pairs(text, nested(PortfolioPeriod))
"""`[["day", {...}], ["week", ...], ..., ["perpAllTime", ...]]` -> {period: PortfolioPeriod}."""


def parse_portfolio(body: Any, request: dict | None = None) -> dict[str, PortfolioPeriod]:
    """Account value and PnL histories per period ("day", "week", "month", "allTime", "perpDay", ...)."""
    return portfolio_periods(Payload(request or {"type": "portfolio"}, body), body, "portfolio")


@dataclass(frozen=True, kw_only=True)
class VaultFollower:
    user: Annotated[str, wire("user", text)]  # "Leader" for the vault's leader
    vault_equity: Annotated[float, wire("vaultEquity", decimal)]
    pnl: Annotated[float, wire("pnl", decimal)]
    all_time_pnl: Annotated[float, wire("allTimePnl", decimal)]
    days_following: Annotated[int, wire("daysFollowing", integer)]
    vault_entry_time: Annotated[int, wire("vaultEntryTime", integer)]
    lockup_until: Annotated[int, wire("lockupUntil", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class VaultDetails:
    name: Annotated[str, wire("name", text)]
    vault_address: Annotated[str, wire("vaultAddress", text)]
    leader: Annotated[str, wire("leader", text)]
    description: Annotated[str, wire("description", text)]
    portfolio: Annotated[dict[str, PortfolioPeriod], wire("portfolio", portfolio_periods)]
    apr: Annotated[float, wire("apr", number)]
    leader_fraction: Annotated[float, wire("leaderFraction", number)]
    leader_commission: Annotated[float, wire("leaderCommission", number)]
    followers: Annotated[tuple[VaultFollower, ...], wire("followers", many(nested(VaultFollower)))]
    max_distributable: Annotated[float, wire("maxDistributable", number)]
    max_withdrawable: Annotated[float, wire("maxWithdrawable", number)]
    is_closed: Annotated[bool, wire("isClosed", flag)]
    allow_deposits: Annotated[bool, wire("allowDeposits", flag)]
    always_close_on_withdraw: Annotated[bool | None, wire("alwaysCloseOnWithdraw", flag)] = None
    follower_state: Annotated[Any, wire("followerState", json_value)] = None  # the asking user's, if given
    relationship: Annotated[Any, wire("relationship", json_value)] = None  # {type: parent|child|normal, data}
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_vault_details(body: Any, request: dict | None = None) -> VaultDetails:
    return decode(Payload(request or {"type": "vaultDetails"}, body), VaultDetails, body, "vaultDetails")


@dataclass(frozen=True, kw_only=True)
class VaultEquity:
    vault_address: Annotated[str, wire("vaultAddress", text)]
    equity: Annotated[float, wire("equity", decimal)]
    locked_until_timestamp: Annotated[int | None, wire("lockedUntilTimestamp", integer)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_user_vault_equities(body: Any, request: dict | None = None) -> list[VaultEquity]:
    p = Payload(request or {"type": "userVaultEquities"}, body)
    return [decode(p, VaultEquity, raw, f"equities[{i}]") for i, raw in enumerate(p.array(body, "equities"))]

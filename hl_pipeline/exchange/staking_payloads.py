"""HYPE staking: `delegations`, `delegatorSummary`, `delegatorHistory`, `delegatorRewards`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import (
    VARIANT_KIND,
    decimal,
    decode,
    flag,
    integer,
    text,
    variant,
    wire,
)


@dataclass(frozen=True, kw_only=True)
class Delegation:
    validator: Annotated[str, wire("validator", text)]
    amount: Annotated[float, wire("amount", decimal)]
    locked_until_timestamp: Annotated[int, wire("lockedUntilTimestamp", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_delegations(body: Any, request: dict | None = None) -> list[Delegation]:
    p = Payload(request or {"type": "delegations"}, body)
    return [
        decode(p, Delegation, raw, f"delegations[{i}]") for i, raw in enumerate(p.array(body, "delegations"))
    ]


@dataclass(frozen=True, kw_only=True)
class DelegatorSummary:
    delegated: Annotated[float, wire("delegated", decimal)]
    undelegated: Annotated[float, wire("undelegated", decimal)]
    total_pending_withdrawal: Annotated[float, wire("totalPendingWithdrawal", decimal)]
    n_pending_withdrawals: Annotated[int, wire("nPendingWithdrawals", integer)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_delegator_summary(body: Any, request: dict | None = None) -> DelegatorSummary:
    p = Payload(request or {"type": "delegatorSummary"}, body)
    return decode(p, DelegatorSummary, body, "delegatorSummary")


@dataclass(frozen=True, kw_only=True)
class StakingDelta:
    """What one staking event did: `kind` is "delegate", "cDeposit", "withdrawal", ..."""

    kind: Annotated[str, VARIANT_KIND]
    amount: Annotated[float | None, wire("amount", decimal)] = None
    validator: Annotated[str | None, wire("validator", text)] = None
    is_undelegate: Annotated[bool | None, wire("isUndelegate", flag)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class StakingEvent:
    time: Annotated[int, wire("time", integer)]
    hash: Annotated[str, wire("hash", text)]
    delta: Annotated[StakingDelta, wire("delta", variant(StakingDelta))]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_delegator_history(body: Any, request: dict | None = None) -> list[StakingEvent]:
    """Newest first, as served."""
    p = Payload(request or {"type": "delegatorHistory"}, body)
    return [decode(p, StakingEvent, raw, f"history[{i}]") for i, raw in enumerate(p.array(body, "history"))]


@dataclass(frozen=True, kw_only=True)
class StakingReward:
    time: Annotated[int, wire("time", integer)]
    source: Annotated[str, wire("source", text)]  # "delegation" or "commission"
    total_amount: Annotated[float, wire("totalAmount", decimal)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_delegator_rewards(body: Any, request: dict | None = None) -> list[StakingReward]:
    p = Payload(request or {"type": "delegatorRewards"}, body)
    return [decode(p, StakingReward, raw, f"rewards[{i}]") for i, raw in enumerate(p.array(body, "rewards"))]

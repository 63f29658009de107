"""Borrowing and lending: `borrowLendUserState`, `borrowLendReserveState`, `allBorrowLendReserveStates`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import (
    decimal,
    decode,
    integer,
    nested,
    pairs,
    text,
    wire,
)


@dataclass(frozen=True, kw_only=True)
class ReserveState:
    borrow_yearly_rate: Annotated[float, wire("borrowYearlyRate", decimal)]
    supply_yearly_rate: Annotated[float, wire("supplyYearlyRate", decimal)]
    balance: Annotated[float, wire("balance", decimal)]
    utilization: Annotated[float, wire("utilization", decimal)]
    oracle_px: Annotated[float, wire("oraclePx", decimal)]
    ltv: Annotated[float, wire("ltv", decimal)]
    total_supplied: Annotated[float, wire("totalSupplied", decimal)]
    total_borrowed: Annotated[float, wire("totalBorrowed", decimal)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_reserve_state(body: Any, request: dict | None = None) -> ReserveState:
    p = Payload(request or {"type": "borrowLendReserveState"}, body)
    return decode(p, ReserveState, body, "borrowLendReserveState")


def parse_all_reserve_states(body: Any, request: dict | None = None) -> dict[int, ReserveState]:
    """{token index: its reserve}."""
    p = Payload(request or {"type": "allBorrowLendReserveStates"}, body)
    return pairs(integer, nested(ReserveState))(p, body, "allBorrowLendReserveStates")


@dataclass(frozen=True, kw_only=True)
class LendingBalance:
    borrow_basis: Annotated[float, wire("borrow.basis", decimal)]
    borrow_value: Annotated[float, wire("borrow.value", decimal)]
    supply_basis: Annotated[float, wire("supply.basis", decimal)]
    supply_value: Annotated[float, wire("supply.value", decimal)]
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class LendingUserState:
    token_to_state: Annotated[
        dict[int, LendingBalance], wire("tokenToState", pairs(integer, nested(LendingBalance)))
    ]
    health: Annotated[str, wire("health", text)]  # "healthy", ...
    health_factor: Annotated[float | None, wire("healthFactor", decimal)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_lending_user_state(body: Any, request: dict | None = None) -> LendingUserState:
    p = Payload(request or {"type": "borrowLendUserState"}, body)
    return decode(p, LendingUserState, body, "borrowLendUserState")

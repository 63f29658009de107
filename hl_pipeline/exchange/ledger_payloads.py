"""A wallet's ledger: funding payments (`userFunding`) and every other balance change
(`userNonFundingLedgerUpdates`: deposits, withdrawals, transfers, liquidations, vault flows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import decimal, decode, integer, text, wire


@dataclass(frozen=True, kw_only=True)
class FundingPayment:
    """One hourly funding payment on one position; `usdc` > 0 is received."""

    time: Annotated[int, wire("time", integer)]
    coin: Annotated[str, wire("delta.coin", text)]
    usdc: Annotated[float, wire("delta.usdc", decimal)]
    szi: Annotated[float, wire("delta.szi", decimal)]  # signed position size
    funding_rate: Annotated[float, wire("delta.fundingRate", decimal)]
    hash: Annotated[str | None, wire("hash", text)] = None  # all zeros for funding
    kind: Annotated[str | None, wire("delta.type", text)] = None  # "funding"
    n_samples: Annotated[int | None, wire("delta.nSamples", integer)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_user_funding(body: Any, request: dict | None = None) -> list[FundingPayment]:
    """`userFunding` rows, ascending by time as served."""
    p = Payload(request or {"type": "userFunding"}, body)
    return [decode(p, FundingPayment, raw, f"funding[{i}]") for i, raw in enumerate(p.array(body, "funding"))]


@dataclass(frozen=True, kw_only=True)
class LedgerUpdate:
    """A non-funding balance change; `kind` is `delta.type` ("deposit", "withdraw",
    "accountClassTransfer", "spotTransfer", "vaultDeposit", "liquidation", ...). The amounts most
    kinds carry are typed here; the rest of each kind's delta is in `extra` under "delta.<key>"."""

    time: Annotated[int, wire("time", integer)]
    hash: Annotated[str, wire("hash", text)]
    kind: Annotated[str, wire("delta.type", text)]
    usdc: Annotated[float | None, wire("delta.usdc", decimal)] = None
    token: Annotated[str | None, wire("delta.token", text)] = None
    amount: Annotated[float | None, wire("delta.amount", decimal)] = None
    usdc_value: Annotated[float | None, wire("delta.usdcValue", decimal)] = None
    fee: Annotated[float | None, wire("delta.fee", decimal)] = None
    user: Annotated[str | None, wire("delta.user", text)] = None
    destination: Annotated[str | None, wire("delta.destination", text)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_ledger_updates(body: Any, request: dict | None = None) -> list[LedgerUpdate]:
    """`userNonFundingLedgerUpdates` rows, ascending by time as served."""
    p = Payload(request or {"type": "userNonFundingLedgerUpdates"}, body)
    return [decode(p, LedgerUpdate, raw, f"updates[{i}]") for i, raw in enumerate(p.array(body, "updates"))]

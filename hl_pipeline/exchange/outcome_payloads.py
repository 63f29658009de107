"""Outcome markets (HIP-4): `outcomeMeta` and `settledOutcome`."""

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
    text,
    wire,
)


@dataclass(frozen=True, kw_only=True)
class OutcomeSide:
    name: Annotated[str, wire("name", text)]  # "Yes", "No"
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    outcome: Annotated[int, wire("outcome", integer)]
    name: Annotated[str, wire("name", text)]
    description: Annotated[
        str, wire("description", text)
    ]  # "class:priceBinary|underlying:HYPE|expiry:...|..."
    side_specs: Annotated[tuple[OutcomeSide, ...], wire("sideSpecs", many(nested(OutcomeSide)))]
    quote_token: Annotated[str | None, wire("quoteToken", text)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, kw_only=True)
class OutcomeMeta:
    outcomes: Annotated[tuple[Outcome, ...], wire("outcomes", many(nested(Outcome)))]
    questions: Annotated[Any, wire("questions", json_value)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_outcome_meta(body: Any, request: dict | None = None) -> OutcomeMeta:
    return decode(Payload(request or {"type": "outcomeMeta"}, body), OutcomeMeta, body, "outcomeMeta")


@dataclass(frozen=True, kw_only=True)
class SettledOutcome:
    spec: Annotated[Outcome, wire("spec", nested(Outcome))]
    settle_fraction: Annotated[float, wire("settleFraction", decimal)]  # 1.0: the first side won
    details: Annotated[str | None, wire("details", text)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_settled_outcome(body: Any, request: dict | None = None) -> SettledOutcome:
    return decode(
        Payload(request or {"type": "settledOutcome"}, body), SettledOutcome, body, "settledOutcome"
    )

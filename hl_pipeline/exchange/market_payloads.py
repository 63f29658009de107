"""Exchange-wide state: `exchangeStatus`, `predictedFundings`, `perpsAtOpenInterestCap`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from hl_pipeline.exchange.parsing import Payload
from hl_pipeline.exchange.records import (
    decimal,
    decode,
    integer,
    json_value,
    nested,
    nullable,
    pairs,
    text,
    wire,
)


def _ms(p: Payload, value: Any, what: str) -> int:
    """Milliseconds as a JSON integer or a string of digits (both have been seen for `time`)."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return integer(p, value, what)


@dataclass(frozen=True, kw_only=True)
class ExchangeStatus:
    time: Annotated[int | None, wire("time", _ms)] = None  # the server's clock, ms
    special_statuses: Annotated[Any, wire("specialStatuses", json_value)] = None  # null when all is normal
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_exchange_status(body: Any, request: dict | None = None) -> ExchangeStatus:
    p = Payload(request or {"type": "exchangeStatus"}, body)
    return decode(p, ExchangeStatus, body, "exchangeStatus")


@dataclass(frozen=True, kw_only=True)
class PredictedFunding:
    funding_rate: Annotated[float, wire("fundingRate", decimal)]  # per funding interval of that venue
    next_funding_time: Annotated[int, wire("nextFundingTime", integer)]
    funding_interval_hours: Annotated[int | None, wire("fundingIntervalHours", integer)] = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


_predicted = pairs(text, pairs(text, nullable(nested(PredictedFunding))))


def parse_predicted_fundings(
    body: Any, request: dict | None = None
) -> dict[str, dict[str, PredictedFunding | None]]:
    """{coin: {venue ("HlPerp", "BinPerp", "BybitPerp"): the next rate, or None where not listed}}."""
    return _predicted(Payload(request or {"type": "predictedFundings"}, body), body, "predictedFundings")


def parse_coins(body: Any, request: dict | None = None) -> list[str]:
    """A JSON array of coin names (`perpsAtOpenInterestCap`)."""
    req = request or {"type": "perpsAtOpenInterestCap"}
    p = Payload(req, body)
    return [text(p, c, f"{req['type']}[{i}]") for i, c in enumerate(p.array(body, req["type"]))]

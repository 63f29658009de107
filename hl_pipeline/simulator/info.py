"""The info endpoint's request types: body in, (payload, item count for the weight) out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hl_pipeline.simulator import bodies
from hl_pipeline.simulator.contexts import meta
from hl_pipeline.simulator.fills import aggregate_by_time
from hl_pipeline.simulator.infomisc import MISC_HANDLERS
from hl_pipeline.simulator.infouser import USER_HANDLERS
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.snapshot import Rendered
from hl_pipeline.simulator.spot import SPOT_META

Handler = Callable[[Market, dict], Any]


def _candles(m: Market, b: dict) -> Rendered:
    coin, interval, start, end = bodies.candle_req(b)
    return m.candle_body(coin, interval, start, m.config.now() if end is None else end)


def _aggregated(m: Market, b: dict, fills: list[dict]) -> list[dict]:
    """Fills as asked: partial fills merged with `aggregateByTime: true`."""
    if not bodies.flag(b, "aggregateByTime"):
        return fills
    return aggregate_by_time(fills, {s.name: s.sz_decimals for s in m.config.coins})


HANDLERS: dict[str, Handler] = {
    "meta": lambda m, b: meta(m.config),
    "spotMeta": lambda m, b: SPOT_META,
    "metaAndAssetCtxs": lambda m, b: [{**meta(m.config), "collateralToken": 0}, m.ctxs()],
    "spotMetaAndAssetCtxs": lambda m, b: [SPOT_META, m.spot_ctxs()],
    "perpDexs": lambda m, b: [None],
    "allMids": lambda m, b: m.mids(m.config.now()),
    "candleSnapshot": _candles,
    "l2Book": lambda m, b: m.book(bodies.coin(b), *bodies.book_params(b)),
    "fundingHistory": lambda m, b: m.funding(
        bodies.coin(b), bodies.time_ms(b, "startTime"), bodies.time_ms(b, "endTime", False)
    ),
    "recentTrades": lambda m, b: m.recent_trades(bodies.coin(b)),
    "clearinghouseState": lambda m, b: m.user_state(bodies.user(b)),
    "userFills": lambda m, b: _aggregated(m, b, m.user_fills(bodies.user(b))),
    "userFillsByTime": lambda m, b: _aggregated(
        m,
        b,
        m.user_fills_by_time(
            bodies.user(b), bodies.time_ms(b, "startTime"), bodies.time_ms(b, "endTime", False)
        ),
    ),
    **MISC_HANDLERS,
    **USER_HANDLERS,
}


def request_type(body: Any) -> str:
    """The `type` of a decoded body, or BadRequest."""
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        raise bodies.BadRequest("missing field `type`")
    if body["type"] not in HANDLERS:
        raise bodies.BadRequest(f"unknown variant `{body['type']}`")
    return body["type"]


def answer(market: Market, body: dict) -> tuple[Any, int]:
    """The payload for a body whose type is known (a `Rendered` one is already JSON), and how many
    items it counts for weight."""
    payload = HANDLERS[body["type"]](market, body)
    if isinstance(payload, Rendered):
        return payload, payload.items
    return payload, len(payload) if isinstance(payload, list) else 0


def encode(payload: Any) -> bytes:
    """The response body of a payload, compact JSON as the exchange prints it."""
    if isinstance(payload, Rendered):
        return payload.body
    return json.dumps(payload, separators=(",", ":")).encode()

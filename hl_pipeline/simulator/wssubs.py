"""WebSocket subscriptions: validation and the normalised form echoed in acks."""

from __future__ import annotations

import json
import re
from typing import Any

from hl_pipeline.exchange.intervals import INTERVALS
from hl_pipeline.simulator.bodies import BadRequest, book_params

USER_KINDS = (
    "userEvents",
    "orderUpdates",
    "webData2",
    "userFundings",
    "userNonFundingLedgerUpdates",
    "userTwapSliceFills",
    "userTwapHistory",
    "notification",
)
KINDS = (
    "trades",
    "l2Book",
    "candle",
    "allMids",
    "activeAssetCtx",
    "bbo",
    "userFills",
    "activeAssetData",
    *USER_KINDS,
)
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


class BadSubscription(ValueError):
    """Does not parse as a subscription: answered with an error frame."""


class CloseSocket(Exception):
    """Unknown coin or bad book parameters: the real server drops the connection."""


def parse_error(raw: str) -> str:
    """The error frame text for a request that does not parse."""
    return f"Error parsing JSON into valid websocket request: {raw}"


def key(sub: dict) -> str:
    """Identity of a normalised subscription, also the text in error frames."""
    return json.dumps(sub, separators=(",", ":"))


def _user(sub: dict) -> str:
    user = sub.get("user")
    if not isinstance(user, str) or not _ADDRESS.match(user):
        raise BadSubscription("bad user")
    return user.lower()


def normalise(sub: Any, coins: dict[str, int]) -> dict:
    """The subscription with defaults filled in, or BadSubscription / CloseSocket."""
    if not isinstance(sub, dict) or sub.get("type") not in KINDS:
        raise BadSubscription("unknown subscription type")
    kind = sub["type"]
    if kind == "allMids":
        return {"type": "allMids"}
    if kind == "userFills":
        agg = sub.get("aggregateByTime", False)
        if not isinstance(agg, bool):
            raise BadSubscription("bad userFills subscription")
        return {"type": "userFills", "user": _user(sub), "aggregateByTime": agg}
    if kind in USER_KINDS:
        return {"type": kind, "user": _user(sub)}
    coin = sub.get("coin")
    if not isinstance(coin, str):
        raise BadSubscription("missing coin")
    if coin not in coins:
        raise CloseSocket(coin)
    if kind == "activeAssetData":
        if "/" in coin or coin.startswith("@"):
            raise CloseSocket(coin)  # perps only
        return {"type": kind, "user": _user(sub), "coin": coin}
    if kind == "candle":
        if sub.get("interval") not in INTERVALS:
            raise BadSubscription("bad interval")
        return {"type": "candle", "coin": coin, "interval": sub["interval"]}
    if kind == "l2Book":
        fast = sub.get("fast", False)
        if not isinstance(fast, bool):
            raise BadSubscription("bad fast")
        try:
            sig, mantissa = book_params(sub)
        except BadRequest as exc:
            raise CloseSocket(str(exc)) from exc
        return {"type": "l2Book", "coin": coin, "nSigFigs": sig, "mantissa": mantissa, "fast": fast}
    return {"type": kind, "coin": coin}

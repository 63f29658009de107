"""Request weights of the info endpoint, as the rate-limit docs state them.

The simulator charges these and the client's limiter budgets with them, so both agree.
Whether "extra weight per 20 items" rounds up or down is unconfirmed; we round up, which
keeps a client that budgets with it on the safe side of the server.
"""

from __future__ import annotations

import math

BUDGET_PER_MINUTE = 1200

_LIGHT = frozenset(
    {"l2Book", "allMids", "clearinghouseState", "orderStatus", "spotClearinghouseState", "exchangeStatus"}
)
_HEAVY = {"userRole": 60}
_PER_20_ITEMS = frozenset(
    {
        "recentTrades",
        "historicalOrders",
        "userFills",
        "userFillsByTime",
        "fundingHistory",
        "userFunding",
        "nonUserFundingUpdates",
        "twapHistory",
        "userTwapSliceFills",
        "userTwapSliceFillsByTime",
        "delegatorHistory",
        "delegatorRewards",
        "validatorStats",
    }
)


def base_weight(request_type: str) -> int:
    """Weight charged for a request before counting the items it returns."""
    if request_type in _LIGHT:
        return 2
    return _HEAVY.get(request_type, 20)


def item_weight(request_type: str, n_items: int) -> int:
    """Extra weight for the items a response returned."""
    if request_type == "candleSnapshot":
        return math.ceil(n_items / 60)
    if request_type in _PER_20_ITEMS:
        return math.ceil(n_items / 20)
    return 0


def request_weight(request_type: str, n_items: int = 0) -> int:
    """Total weight of one info request that returned `n_items` items."""
    return base_weight(request_type) + item_weight(request_type, n_items)

"""The remaining public info types: exchange status, predicted fundings, perp dex limits and status,
token details, and the features the simulated exchange has none of (annotations, outcomes, lending
positions), answered as the real server answers an exchange without them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hl_pipeline.simulator import bodies
from hl_pipeline.simulator.contexts import mark, meta
from hl_pipeline.simulator.funding import predicted_fundings
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_dec
from hl_pipeline.simulator.spot import BASE_TOKEN, SUPPLY, TOKENS

Handler = Callable[[Market, dict], Any]
_USDC_RESERVE = {
    "borrowYearlyRate": "0.05",
    "supplyYearlyRate": "0.0",
    "balance": "0.0",
    "utilization": "0.0",
    "oraclePx": "1.0",
    "ltv": "0.0",
    "totalSupplied": "0.0",
    "totalBorrowed": "0.0",
}


def _now(m: Market) -> int:
    return m.config.now()


def dex_limits(m: Market) -> dict:
    """perpDexLimits: open interest caps at twice each perp's typical open interest."""
    caps = [
        [s.name, fmt_dec(2 * s.open_interest * mark(m.config, i, _now(m)), 1)]
        for i, s in enumerate(m.config.coins)
    ]
    return {
        "totalOiCap": fmt_dec(sum(float(c) for _, c in caps), 1),
        "oiSzCapPerPerp": "10000000000.0",
        "maxTransferNtl": "100000000.0",
        "coinToOiCap": caps,
    }


def token_details(m: Market, token_id: str) -> dict | None:
    """tokenDetails of a spot token by its tokenId (null for an unknown one)."""
    token = next((t for t in TOKENS if t["tokenId"] == token_id.lower()), None)
    if token is None:
        return None
    pair = next((i for i, s in enumerate(m.specs) if BASE_TOKEN.get(s.name) == token["name"]), None)
    ctx = m.spot_ctxs()[pair - m.n_perps] if pair is not None else None
    supply = fmt_dec(SUPPLY.get(token["name"], 0.0), 2)
    return {
        "name": token["name"],
        "maxSupply": supply,
        "totalSupply": supply,
        "circulatingSupply": supply,
        "szDecimals": token["szDecimals"],
        "weiDecimals": token["weiDecimals"],
        "midPx": ctx["midPx"] if ctx else "1.0",
        "markPx": ctx["markPx"] if ctx else "1.0",
        "prevDayPx": ctx["prevDayPx"] if ctx else "1.0",
        "genesis": {"userBalances": [], "existingTokenBalances": []},
        "deployer": None,
        "deployGas": None,
        "deployTime": None,
        "seededUsdc": "0.0",
        "nonCirculatingUserBalances": [],
        "futureEmissions": "0.0",
    }


def gas_auction(now: int) -> dict:
    """A Dutch gas auction that restarts every 31 hours (perp and spot deploys)."""
    period = 111_600
    start = now // 1000 // period * period
    return {
        "startTimeSeconds": start,
        "durationSeconds": period,
        "startGas": "500.0",
        "currentGas": "500.0",
        "endGas": None,
    }


def _checked(answer: Callable[[Market, dict], Any], *fields: Callable[[dict], Any]) -> Handler:
    """A handler that validates some body fields, then answers."""

    def handler(m: Market, b: dict) -> Any:
        for field in fields:
            field(b)
        return answer(m, b)

    return handler


def _dex(b: dict) -> str:
    value = b.get("dex", "")
    if not isinstance(value, str):
        raise bodies.BadRequest("invalid type for field `dex`")
    return value


def _deposits(m: Market) -> dict:
    total = float(m.wallets.account_usd.sum())
    return {"totalNetDeposit": fmt_dec(total, 6)}


MISC_HANDLERS: dict[str, Handler] = {
    "exchangeStatus": lambda m, b: {"specialStatuses": None, "time": str(_now(m))},
    "predictedFundings": lambda m, b: predicted_fundings(
        m.config.seed, [s.name for s in m.config.coins], _now(m)
    ),
    "perpsAtOpenInterestCap": lambda m, b: [],
    "perpDeployAuctionStatus": lambda m, b: gas_auction(_now(m)),
    "allPerpMetas": lambda m, b: [[{**meta(m.config), "collateralToken": 0}, m.ctxs()]],
    "perpDexLimits": _checked(lambda m, b: dex_limits(m), _dex),
    "perpDexStatus": _checked(lambda m, b: _deposits(m), _dex),
    "tokenDetails": lambda m, b: token_details(m, bodies.token_id(b)),
    "perpCategories": lambda m, b: [],
    "perpConciseAnnotations": lambda m, b: [],
    "perpAnnotation": _checked(lambda m, b: None, bodies.coin),
    "outcomeMeta": lambda m, b: {"outcomes": []},
    "settledOutcome": _checked(lambda m, b: None, lambda b: bodies.time_ms(b, "outcome")),
    "allBorrowLendReserveStates": lambda m, b: [[0, dict(_USDC_RESERVE)]],
    "borrowLendReserveState": lambda m, b: dict(_USDC_RESERVE) if bodies.time_ms(b, "token") == 0 else None,
    "borrowLendUserState": _checked(
        lambda m, b: {"tokenToState": [], "health": "healthy", "healthFactor": None}, bodies.user
    ),
}

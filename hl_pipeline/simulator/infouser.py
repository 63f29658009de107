"""Info request types about one address: orders, ledger, fees, roles, vaults, staking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hl_pipeline.simulator import accounts, bodies, contexts, ledger, orders, staking, vaults
from hl_pipeline.simulator.clearinghouse import clearinghouse_state
from hl_pipeline.simulator.fees import user_fees
from hl_pipeline.simulator.infomisc import gas_auction
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_dec, fmt_px
from hl_pipeline.simulator.portfolio import portfolio, rate_limit, referral

Handler = Callable[[Market, dict], Any]


def _wallet(m: Market, b: dict) -> int | None:
    return m.wallets.index(bodies.user(b))


def _window(m: Market, b: dict) -> tuple[int, int]:
    start, end = bodies.time_ms(b, "startTime"), bodies.time_ms(b, "endTime", False)
    now = m.config.now()
    return start, now if end is None else min(end, now)


def _funding(m: Market, b: dict) -> list[dict]:
    start, end = _window(m, b)
    return [] if end < start else ledger.funding_payments(m, _wallet(m, b), start, end, m.config.funding_page)


def _ledger(m: Market, b: dict) -> list[dict]:
    start, end = _window(m, b)
    return [] if end < start else ledger.ledger_updates(m, _wallet(m, b), start, end)


def active_asset_data(m: Market, user: str, coin: str, now: int) -> dict:
    """activeAssetData: leverage, what the account can trade each way, and the mark price."""
    i = m.perp_id(coin)
    spec, w = m.specs[i], m.wallets.index(user)
    state = clearinghouse_state(m.tape, w, now)
    lev = min(20, spec.max_leverage)
    mark = contexts.mark(m.config, i, now)
    room = float(state["withdrawable"]) * lev
    size = fmt_dec(room / mark, spec.sz_decimals) if mark else "0.0"
    return {
        "user": user.lower(),
        "coin": coin,
        "leverage": {"type": "cross", "value": lev},
        "maxTradeSzs": [size, size],
        "availableToTrade": [fmt_dec(room, 6)] * 2,
        "markPx": fmt_px(mark, spec.sz_decimals),
    }


def _now(m: Market) -> int:
    return m.config.now()


def _for_user(answer: Callable[[Market], Any], *addresses: str) -> Handler:
    """A handler that checks the `user` field (and other address fields), then answers."""

    def handler(m: Market, b: dict) -> Any:
        bodies.user(b)
        for name in addresses:
            bodies.address(b, name)
        return answer(m)

    return handler


USER_HANDLERS: dict[str, Handler] = {
    "openOrders": lambda m, b: [o.basic() for o in orders.open_orders(m, _wallet(m, b), _now(m))],
    "frontendOpenOrders": lambda m, b: [
        o.frontend(_now(m)) for o in orders.open_orders(m, _wallet(m, b), _now(m))
    ],
    "historicalOrders": lambda m, b: orders.historical_orders(m, _wallet(m, b), _now(m)),
    "orderStatus": lambda m, b: orders.order_status(m, _wallet(m, b), bodies.oid(b), _now(m)),
    "userFunding": _funding,
    "userNonFundingLedgerUpdates": _ledger,
    "userFees": lambda m, b: user_fees(m.tape, _wallet(m, b), _now(m)),
    "userRateLimit": lambda m, b: rate_limit(m, bodies.user(b), _now(m)),
    "userRole": lambda m, b: accounts.user_role(m, bodies.user(b)),
    "portfolio": lambda m, b: portfolio(m, bodies.user(b), _now(m)),
    "spotClearinghouseState": lambda m, b: accounts.spot_balances(m, bodies.user(b), _now(m)),
    "userTwapSliceFills": _for_user(lambda m: []),  # no wallet trades by TWAP (fills have twapId null)
    "userTwapSliceFillsByTime": _for_user(lambda m: []),
    "twapHistory": _for_user(lambda m: []),
    "userVaultEquities": lambda m, b: vaults.vault_equities(m, bodies.user(b), _now(m)),
    "vaultDetails": lambda m, b: vaults.vault_details(
        m,
        bodies.address(b, "vaultAddress"),
        bodies.user(b) if b.get("user") is not None else None,
        _now(m),
        portfolio(m, bodies.address(b, "vaultAddress"), _now(m)),
    ),
    "subAccounts": lambda m, b: accounts.sub_accounts(m, bodies.user(b), _now(m)),
    "extraAgents": lambda m, b: accounts.extra_agents(m, bodies.user(b), _now(m)),
    "referral": lambda m, b: referral(m, bodies.user(b), _now(m)),
    "delegations": lambda m, b: staking.delegations(m, _wallet(m, b), _now(m)),
    "delegatorSummary": lambda m, b: staking.delegator_summary(m, _wallet(m, b), _now(m)),
    "delegatorHistory": lambda m, b: staking.delegator_history(m, _wallet(m, b), _now(m)),
    "delegatorRewards": lambda m, b: staking.delegator_rewards(m, _wallet(m, b), _now(m)),
    "activeAssetData": lambda m, b: active_asset_data(m, bodies.user(b), bodies.coin(b), _now(m)),
    "maxBuilderFee": _for_user(lambda m: 0, "builder"),
    "userToMultiSigSigners": _for_user(lambda m: None),
    "userDexAbstraction": _for_user(lambda m: False),
    "userAbstraction": _for_user(lambda m: "default"),
    "spotDeployState": _for_user(lambda m: {"states": [], "gasAuction": gas_auction(_now(m))}),
}

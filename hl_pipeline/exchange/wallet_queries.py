"""InfoClient's wallet queries: every read-only info type that takes a `user` address.

Each method sends exactly the keys the caller gave (optional ones only when passed) and returns the
typed records of the matching `*_payloads` module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from hl_pipeline.exchange import account_payloads as acct
from hl_pipeline.exchange import ledger_payloads as ledger
from hl_pipeline.exchange import lending_payloads as lending
from hl_pipeline.exchange import order_payloads as orders
from hl_pipeline.exchange import perp_dex_payloads as deploy
from hl_pipeline.exchange import spot_payloads as spot
from hl_pipeline.exchange import staking_payloads as staking
from hl_pipeline.exchange import user_payloads as users
from hl_pipeline.exchange import vault_payloads as vaults
from hl_pipeline.exchange.validation import check_range, check_user

T = TypeVar("T")
LEDGER_PAGE = 500  # rows per userFunding / userNonFundingLedgerUpdates response
ORDERS_PAGE = 2000  # historicalOrders and userTwapSliceFills return at most this many


class Asks(Protocol):
    """What the queries need of the client: one info request, parsed with `parse(data, body)`."""

    def _ask(self, body: dict, parse: Callable[[Any, dict], T], expected_items: int = 0) -> T: ...


def _user_body(rtype: str, user: str, **optional: Any) -> dict:
    body = {"type": rtype, "user": check_user(user)}
    body.update({k: v for k, v in optional.items() if v is not None})
    return body


def _ledger_pages(
    client: Asks, rtype: str, user: str, start_ms: int, end_ms: int | None, parse: Callable[[Any, dict], list]
) -> list:
    """Rows of [start_ms, end_ms] over as many ascending pages as needed, each row once.

    A full page continues from its newest time (inclusive: rows of one time may straddle pages)."""
    check_user(user)
    check_range(start_ms, end_ms if end_ms is not None else start_ms)
    rows: dict[str, Any] = {}
    cursor = start_ms
    while True:
        body: dict[str, Any] = {"type": rtype, "user": user, "startTime": cursor}
        if end_ms is not None:
            body["endTime"] = end_ms
        page = client._ask(body, parse, expected_items=LEDGER_PAGE)
        fresh = {repr(r): r for r in page if repr(r) not in rows}
        rows.update(fresh)
        if len(page) < LEDGER_PAGE or not fresh:
            break
        newest = max(r.time for r in page)
        if newest <= cursor:  # a full page of one millisecond: no way forward
            break
        cursor = newest
    return sorted(rows.values(), key=lambda r: r.time)


class WalletQueries:
    """Mixed into InfoClient."""

    # -- orders --------------------------------------------------------------------------------

    def open_orders(self: Asks, user: str, dex: str | None = None) -> list[orders.Order]:
        body = _user_body("openOrders", user, dex=dex)
        return self._ask(body, orders.parse_open_orders)

    def frontend_open_orders(self: Asks, user: str, dex: str | None = None) -> list[orders.Order]:
        """Open orders with trigger, TP/SL, order type and time-in-force, children nested."""
        body = _user_body("frontendOpenOrders", user, dex=dex)
        return self._ask(body, orders.parse_frontend_open_orders)

    def order_status(self: Asks, user: str, oid: int | str) -> orders.OrderStatus:
        """By order id, or by client order id (a 16-byte hex string)."""
        body = _user_body("orderStatus", user, oid=oid)
        return self._ask(body, orders.parse_order_status)

    def historical_orders(self: Asks, user: str) -> list[orders.OrderUpdate]:
        body = _user_body("historicalOrders", user)
        return self._ask(body, orders.parse_historical_orders, expected_items=ORDERS_PAGE)

    def user_twap_slice_fills(self: Asks, user: str) -> list[acct.TwapSliceFill]:
        body = _user_body("userTwapSliceFills", user)
        return self._ask(body, acct.parse_twap_slice_fills, expected_items=ORDERS_PAGE)

    # -- ledger ----------------------------------------------------------------------------------

    def user_funding(
        self: Asks, user: str, start_ms: int, end_ms: int | None = None
    ) -> list[ledger.FundingPayment]:
        """Funding payments in [start_ms, end_ms] (end: now when None), ascending."""
        return _ledger_pages(self, "userFunding", user, start_ms, end_ms, ledger.parse_user_funding)

    def user_non_funding_ledger_updates(
        self: Asks, user: str, start_ms: int, end_ms: int | None = None
    ) -> list[ledger.LedgerUpdate]:
        """Deposits, withdrawals, transfers, liquidations... in [start_ms, end_ms], ascending."""
        return _ledger_pages(
            self, "userNonFundingLedgerUpdates", user, start_ms, end_ms, ledger.parse_ledger_updates
        )

    # -- account ---------------------------------------------------------------------------------

    def spot_clearinghouse_state(self: Asks, user: str) -> spot.SpotClearinghouseState:
        return self._ask(_user_body("spotClearinghouseState", user), spot.parse_spot_clearinghouse_state)

    def active_asset_data(self: Asks, user: str, coin: str) -> acct.ActiveAssetData:
        """Leverage and tradeable sizes on one perp (HIP-3 coins included, so not checked against meta)."""
        return self._ask(_user_body("activeAssetData", user, coin=coin), acct.parse_active_asset_data)

    def portfolio(self: Asks, user: str) -> dict[str, vaults.PortfolioPeriod]:
        return self._ask(_user_body("portfolio", user), vaults.parse_portfolio)

    def user_fees(self: Asks, user: str) -> users.UserFees:
        return self._ask(_user_body("userFees", user), users.parse_user_fees)

    def user_rate_limit(self: Asks, user: str) -> users.UserRateLimit:
        return self._ask(_user_body("userRateLimit", user), users.parse_user_rate_limit)

    def user_role(self: Asks, user: str) -> users.UserRole:
        """Weight 60, three times most requests."""
        return self._ask(_user_body("userRole", user), users.parse_user_role)

    def referral(self: Asks, user: str) -> users.Referral:
        return self._ask(_user_body("referral", user), users.parse_referral)

    def sub_accounts(self: Asks, user: str) -> list[users.SubAccount]:
        return self._ask(_user_body("subAccounts", user), users.parse_sub_accounts)

    def extra_agents(self: Asks, user: str) -> list[users.ExtraAgent]:
        return self._ask(_user_body("extraAgents", user), users.parse_extra_agents)

    def approved_builders(self: Asks, user: str) -> list[str]:
        return self._ask(_user_body("approvedBuilders", user), users.parse_addresses)

    def max_builder_fee(self: Asks, user: str, builder: str) -> int:
        """The fee `user` approved for `builder`, in tenths of a basis point."""
        return self._ask(_user_body("maxBuilderFee", user, builder=check_user(builder)), users.parse_integer)

    def user_dex_abstraction(self: Asks, user: str) -> bool:
        return self._ask(_user_body("userDexAbstraction", user), users.parse_flag)

    def user_abstraction(self: Asks, user: str) -> str:
        return self._ask(_user_body("userAbstraction", user), users.parse_text)

    def user_vault_equities(self: Asks, user: str) -> list[vaults.VaultEquity]:
        return self._ask(_user_body("userVaultEquities", user), vaults.parse_user_vault_equities)

    def borrow_lend_user_state(self: Asks, user: str) -> lending.LendingUserState:
        return self._ask(_user_body("borrowLendUserState", user), lending.parse_lending_user_state)

    def spot_deploy_state(self: Asks, user: str) -> deploy.SpotDeployState:
        return self._ask(_user_body("spotDeployState", user), deploy.parse_spot_deploy_state)

    # -- staking ---------------------------------------------------------------------------------

    def delegations(self: Asks, user: str) -> list[staking.Delegation]:
        return self._ask(_user_body("delegations", user), staking.parse_delegations)

    def delegator_summary(self: Asks, user: str) -> staking.DelegatorSummary:
        return self._ask(_user_body("delegatorSummary", user), staking.parse_delegator_summary)

    def delegator_history(self: Asks, user: str) -> list[staking.StakingEvent]:
        body = _user_body("delegatorHistory", user)
        return self._ask(body, staking.parse_delegator_history, expected_items=LEDGER_PAGE)

    def delegator_rewards(self: Asks, user: str) -> list[staking.StakingReward]:
        body = _user_body("delegatorRewards", user)
        return self._ask(body, staking.parse_delegator_rewards, expected_items=LEDGER_PAGE)

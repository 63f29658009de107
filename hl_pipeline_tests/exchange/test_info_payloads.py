"""The wallet and exchange-wide info parsers on the recorded responses (values, not just shapes)."""

from hl_pipeline.exchange.account_payloads import parse_clearinghouse_state, parse_twap_slice_fills
from hl_pipeline.exchange.ledger_payloads import parse_ledger_updates, parse_user_funding
from hl_pipeline.exchange.order_payloads import (
    parse_frontend_open_orders,
    parse_historical_orders,
    parse_open_orders,
)
from hl_pipeline.exchange.spot_payloads import parse_spot_clearinghouse_state, parse_spot_meta
from hl_pipeline.exchange.staking_payloads import parse_delegator_history
from hl_pipeline.exchange.user_payloads import parse_extra_agents, parse_user_rate_limit, parse_user_role
from hl_pipeline.exchange.vault_payloads import parse_portfolio, parse_user_vault_equities
from hl_pipeline_tests.exchange.recordings import endpoint, response


def test_open_orders_2023_recording():
    req, body = response("test_get_open_orders", "openOrders")
    orders = parse_open_orders(body, req)
    assert len(orders) == 196
    first = orders[0]
    assert (first.coin, first.side, first.limit_px, first.sz, first.oid, first.timestamp) == (
        "MATIC",
        "B",
        1.0357,
        208.7,
        62269971,
        1679940217356,
    )
    assert first.order_type is None and first.children == () and first.extra == {}


def test_frontend_open_orders_nest_their_tp_sl_children():
    req, body = response("test_get_frontend_open_orders", "frontendOpenOrders")
    tp, sl, parent = parse_frontend_open_orders(body, req)
    assert (tp.order_type, tp.is_trigger, tp.trigger_px, tp.trigger_condition, tp.tif) == (
        "Take Profit Market",
        True,
        10.004,
        "Price above 10.004",
        None,
    )
    assert sl.reduce_only and not sl.is_position_tpsl and sl.orig_sz == 12.5
    assert (parent.order_type, parent.tif, parent.is_trigger) == ("Limit", "Gtc", False)
    assert [c.oid for c in parent.children] == [sl.oid, tp.oid] and parent.children[0] == sl


def test_historical_orders_carry_status_and_cloid():
    req, body = response("test_historical_orders", "historicalOrders")
    updates = parse_historical_orders(body, req)
    assert [u.status for u in updates] == ["iocCancelRejected"] * 3 + ["canceled"] * 2
    last = updates[-1]
    assert (last.order.coin, last.order.tif, last.order.cloid, last.status_timestamp) == (
        "DYDX",
        "Alo",
        None,
        1755863118217,
    )


def test_portfolio_has_eight_periods_of_value_and_pnl():
    req, body = response("test_portfolio", "portfolio")
    periods = parse_portfolio(body, req)
    assert list(periods) == [
        "day",
        "week",
        "month",
        "allTime",
        "perpDay",
        "perpWeek",
        "perpMonth",
        "perpAllTime",
    ]
    day = periods["day"]
    assert len(day.account_value_history) == len(day.pnl_history) == 13
    assert day.account_value_history[0] == (1755772320063, 160794563.9261809886)
    assert day.pnl_history[1] == (1755780720022, -103692.009923) and day.vlm == 55823015.6599999964


def test_user_funding_recordings():
    for name, rows in (
        ("test_user_funding_history_with_end_time", 13),
        ("test_user_funding_history_without_end_time", 218),
    ):
        req, body = response(name, "userFunding")
        payments = parse_user_funding(body, req)
        assert len(payments) == rows
    first = parse_user_funding(*reversed(response("test_user_funding_history_with_end_time", "userFunding")))[
        0
    ]
    assert (first.coin, first.funding_rate, first.n_samples, first.szi, first.usdc, first.kind) == (
        "APE",
        -0.00029319,
        3,
        40.13333333,
        0.145796,
        "funding",
    )
    (jkorf,) = parse_user_funding(endpoint("Futures_Account_GetFundingHistory"))
    assert jkorf.n_samples is None and jkorf.coin == "HYPE" and jkorf.usdc == -0.044263


def test_non_funding_ledger_updates_keep_each_kinds_fields():
    req, body = response(
        "test_user_non_funding_ledger_updates_without_end_time", "userNonFundingLedgerUpdates"
    )
    updates = parse_ledger_updates(body, req)
    assert [u.kind for u in updates] == [
        "deposit",
        "accountClassTransfer",
        "spotTransfer",
        "accountClassTransfer",
        "deposit",
    ]
    assert updates[0].usdc == 2703997.4500000002 and updates[1].extra == {"delta.toPerp": False}
    spot = updates[2]
    assert (spot.token, spot.amount, spot.usdc_value, spot.fee) == ("USDC", 10.5, 10.5, 1.0)
    assert spot.destination == "0xaaa0c2769cb990f4f37db951a9e48de2385c2733"
    assert spot.extra == {"delta.nativeTokenFee": "0.0", "delta.nonce": None, "delta.feeToken": ""}
    req, body = response("test_user_non_funding_ledger_updates_with_end_time", "userNonFundingLedgerUpdates")
    assert parse_ledger_updates(body, req) == []


def test_rate_limit_role_agents_vaults_twap():
    req, body = response("test_user_rate_limit", "userRateLimit")
    limit = parse_user_rate_limit(body, req)
    assert (limit.n_requests_used, limit.n_requests_cap, limit.cum_vlm) == (
        36589831368,
        170043731737,
        170043721737.450012207,
    )
    assert parse_user_rate_limit(endpoint("Spot_Account_GetRateLimits")).n_requests_cap == 10357
    req, body = response("test_user_role", "userRole")
    role = parse_user_role(body, req)
    assert (role.role, role.user, role.master) == ("vault", None, None)
    assert parse_user_role({"role": "subAccount", "data": {"master": "0xm"}}).master == "0xm"
    req, body = response("test_extra_agents", "extraAgents")
    assert [(a.name, a.valid_until) for a in parse_extra_agents(body, req)] == [
        ("ok", 1767776120478),
        ("new", 1771174068515),
    ]
    req, body = response("test_user_vault_equities", "userVaultEquities")
    first, second = parse_user_vault_equities(body, req)
    assert first.equity == 688536.0314879999 and second.locked_until_timestamp == 1749857239300
    req, body = response("test_user_twap_slice_fills", "userTwapSliceFills")
    assert parse_twap_slice_fills(body, req) == []
    docs_example = [{"fill": response("test_get_user_fills", "userFills")[1][0], "twapId": 3156}]
    (slice_fill,) = parse_twap_slice_fills(docs_example)
    assert slice_fill.twap_id == 3156 and slice_fill.fill.coin == "SUI"


def test_delegator_history_variants():
    req, body = response("test_delegator_history", "delegatorHistory")
    events = parse_delegator_history(body, req)
    assert [e.delta.kind for e in events] == ["delegate", "cDeposit", "delegate", "cDeposit"]
    delegate = events[0].delta
    assert (delegate.validator, delegate.amount, delegate.is_undelegate) == (
        "0xb8f45222a3246a2b0104696a1df26842007c5bc5",
        89968.0,
        False,
    )
    assert events[1].delta.amount == 89968.0 and events[1].delta.validator is None


def test_clearinghouse_state_keeps_position_type_and_max_trade_sizes():
    req, body = response("test_get_user_state", "clearinghouseState")
    state = parse_clearinghouse_state(body, req)
    btc = state.positions[0]
    assert btc.position_type == "oneWay" and btc.max_trade_szs == (0.76534, 0.74964)
    hype = parse_clearinghouse_state(endpoint("Futures_Account_GetAccountInfo")).positions[0]
    assert (hype.leverage_type, hype.leverage, hype.leverage_raw_usd, hype.max_leverage) == (
        "isolated",
        10,
        -68.126246,
        10,
    )
    assert hype.cum_funding_all_time == 4.966798 and hype.max_trade_szs is None


def test_spot_balances_and_meta():
    usdc, hype = parse_spot_clearinghouse_state(endpoint("Spot_Account_GetBalances")).balances
    assert (usdc.coin, usdc.token, usdc.total, usdc.hold) == ("USDC", 0, 2.77363, 0.0)
    assert (hype.token, hype.entry_ntl) == (150, 0.214388)
    meta = parse_spot_meta(endpoint("Spot_ExchangeData_GetExchangeInfo"))
    (pair,) = meta.universe
    assert (pair.name, pair.tokens, pair.index, pair.is_canonical) == ("PURR/USDC", (1, 0), 0, True)
    assert [t.name for t in meta.tokens] == ["USDC", "PURR"] and meta.tokens[1].wei_decimals == 5
    assert meta.tokens[0].evm_contract is None and meta.tokens[0].full_name is None

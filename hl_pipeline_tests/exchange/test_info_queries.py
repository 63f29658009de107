"""Every InfoClient query sends exactly the body the docs describe (optional keys only when the
caller passes them), is charged its documented weight, and returns the parsed recording."""

import functools
import json

import pytest
import requests

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.weights import base_weight
from hl_pipeline_tests.exchange.recordings import docs_example, endpoint, response

USER = "0x31ca8395cf837de08b24da3f660e77761dfb974b"
OTHER = "0x2ba553d9f990a3b66b03b2dc0d030dfc1c061036"


class FakeSession:
    """Stands in for requests.Session: records each POSTed body, answers from `answers[type]`."""

    def __init__(self, answers):
        self.answers, self.bodies = answers, []

    def post(self, url, data, timeout):
        body = json.loads(data)
        self.bodies.append(body)
        answer = self.answers[body["type"]]
        reply = requests.Response()
        reply.status_code = 200
        reply._content = json.dumps(answer(body) if callable(answer) else answer).encode()
        return reply


def _client(answers) -> tuple[InfoClient, FakeSession]:
    client = InfoClient("http://127.0.0.1:9", rate_limit=False)
    session = FakeSession(answers)
    client._http._local.session = session
    return client, session


def _body(rtype, **rest):
    return {"type": rtype, **rest}


def docs(rtype):
    return functools.partial(docs_example, rtype)


def recorded(loader, *args):
    return functools.partial(loader, *args)


CASES = [  # (method, args, kwargs, body sent, canned answer)
    ("open_orders", (USER,), {}, _body("openOrders", user=USER), []),
    ("open_orders", (USER,), {"dex": "xyz"}, _body("openOrders", user=USER, dex="xyz"), []),
    ("frontend_open_orders", (USER,), {}, _body("frontendOpenOrders", user=USER), []),
    ("order_status", (USER, 7), {}, _body("orderStatus", user=USER, oid=7), {"status": "unknownOid"}),
    ("historical_orders", (USER,), {}, _body("historicalOrders", user=USER), []),
    ("user_twap_slice_fills", (USER,), {}, _body("userTwapSliceFills", user=USER), []),
    ("spot_clearinghouse_state", (USER,), {}, _body("spotClearinghouseState", user=USER), {"balances": []}),
    (
        "active_asset_data",
        (USER, "APT"),
        {},
        _body("activeAssetData", user=USER, coin="APT"),
        docs("activeAssetData"),
    ),
    ("portfolio", (USER,), {}, _body("portfolio", user=USER), []),
    ("user_fees", (USER,), {}, _body("userFees", user=USER), docs("userFees")),
    (
        "user_rate_limit",
        (USER,),
        {},
        _body("userRateLimit", user=USER),
        lambda: response("test_user_rate_limit", "userRateLimit")[1],
    ),
    ("user_role", (USER,), {}, _body("userRole", user=USER), {"role": "user"}),
    ("referral", (USER,), {}, _body("referral", user=USER), docs("referral")),
    ("sub_accounts", (USER,), {}, _body("subAccounts", user=USER), docs("subAccounts")),
    ("extra_agents", (USER,), {}, _body("extraAgents", user=USER), []),
    ("approved_builders", (USER,), {}, _body("approvedBuilders", user=USER), [OTHER]),
    ("max_builder_fee", (USER, OTHER), {}, _body("maxBuilderFee", user=USER, builder=OTHER), 1),
    ("user_dex_abstraction", (USER,), {}, _body("userDexAbstraction", user=USER), True),
    ("user_abstraction", (USER,), {}, _body("userAbstraction", user=USER), "unifiedAccount"),
    ("user_vault_equities", (USER,), {}, _body("userVaultEquities", user=USER), []),
    (
        "borrow_lend_user_state",
        (USER,),
        {},
        _body("borrowLendUserState", user=USER),
        docs("borrowLendUserState"),
    ),
    ("spot_deploy_state", (USER,), {}, _body("spotDeployState", user=USER), docs("spotDeployState")),
    ("delegations", (USER,), {}, _body("delegations", user=USER), []),
    ("delegator_summary", (USER,), {}, _body("delegatorSummary", user=USER), docs("delegatorSummary")),
    ("delegator_history", (USER,), {}, _body("delegatorHistory", user=USER), []),
    ("delegator_rewards", (USER,), {}, _body("delegatorRewards", user=USER), []),
    (
        "clearinghouse_state",
        (USER,),
        {"dex": "xyz"},
        _body("clearinghouseState", user=USER, dex="xyz"),
        recorded(endpoint, "Futures_Account_GetAccountInfo"),
    ),
    ("exchange_status", (), {}, _body("exchangeStatus"), {"specialStatuses": None, "time": 5}),
    ("predicted_fundings", (), {}, _body("predictedFundings"), []),
    ("perps_at_open_interest_cap", (), {}, _body("perpsAtOpenInterestCap"), ["PURR"]),
    ("perps_at_open_interest_cap", (), {"dex": "xyz"}, _body("perpsAtOpenInterestCap", dex="xyz"), []),
    ("spot_meta", (), {}, _body("spotMeta"), recorded(endpoint, "Spot_ExchangeData_GetExchangeInfo")),
    ("spot_meta_and_asset_ctxs", (), {}, _body("spotMetaAndAssetCtxs"), docs("spotMetaAndAssetCtxs")),
    ("token_details", ("0x6d1e",), {}, _body("tokenDetails", tokenId="0x6d1e"), docs("tokenDetails")),
    (
        "spot_pair_deploy_auction_status",
        (),
        {},
        _body("spotPairDeployAuctionStatus"),
        docs("perpDeployAuctionStatus"),
    ),
    ("perp_dexs", (), {}, _body("perpDexs"), [None]),
    ("all_perp_metas", (), {}, _body("allPerpMetas"), []),
    ("perp_dex_limits", ("xyz",), {}, _body("perpDexLimits", dex="xyz"), docs("perpDexLimits")),
    ("perp_dex_status", (), {}, _body("perpDexStatus"), docs("perpDexStatus")),
    ("perp_deploy_auction_status", (), {}, _body("perpDeployAuctionStatus"), docs("perpDeployAuctionStatus")),
    ("perp_annotation", ("BTC",), {}, _body("perpAnnotation", coin="BTC"), docs("perpAnnotation")),
    ("perp_concise_annotations", (), {}, _body("perpConciseAnnotations"), []),
    ("perp_categories", (), {}, _body("perpCategories"), []),
    ("vault_details", (OTHER,), {}, _body("vaultDetails", vaultAddress=OTHER), docs("vaultDetails")),
    (
        "vault_details",
        (OTHER, USER),
        {},
        _body("vaultDetails", vaultAddress=OTHER, user=USER),
        docs("vaultDetails"),
    ),
    ("outcome_meta", (), {}, _body("outcomeMeta"), docs("outcomeMeta")),
    ("settled_outcome", (95,), {}, _body("settledOutcome", outcome=95), docs("settledOutcome")),
    (
        "borrow_lend_reserve_state",
        (0,),
        {},
        _body("borrowLendReserveState", token=0),
        lambda: docs_example("allBorrowLendReserveStates")[0][1],
    ),
    ("all_borrow_lend_reserve_states", (), {}, _body("allBorrowLendReserveStates"), []),
    ("meta", (), {"dex": "xyz"}, _body("meta", dex="xyz"), {"universe": []}),
    ("all_mids", (), {"dex": "xyz"}, _body("allMids", dex="xyz"), {}),
    ("user_funding", (USER, 10), {}, _body("userFunding", user=USER, startTime=10), []),
    (
        "user_non_funding_ledger_updates",
        (USER, 10, 20),
        {},
        _body("userNonFundingLedgerUpdates", user=USER, startTime=10, endTime=20),
        [],
    ),
]


@pytest.mark.parametrize(
    "method, args, kwargs, body, answer", CASES, ids=[f"{c[0]}{c[2] or ''}" for c in CASES]
)
def test_each_query_sends_only_what_was_asked(method, args, kwargs, body, answer):
    answer = answer() if callable(answer) else answer
    client, session = _client({body["type"]: answer})
    result = getattr(client, method)(*args, **kwargs)
    assert session.bodies == [body]
    assert result is not None or body["type"] == "perpAnnotation"
    assert client.stats.weight == base_weight(body["type"])


def test_user_fills_send_aggregate_by_time_only_when_asked():
    req, fills = response("test_get_user_fills", "userFills")
    client, session = _client({"userFills": fills[:3], "userFillsByTime": fills[:3]})
    assert len(client.user_fills(req["user"])) == 3
    client.user_fills(req["user"], aggregate_by_time=True)
    client.user_fills_by_time(req["user"], 1, 2)
    client.user_fills_by_time(req["user"], 1, aggregate_by_time=False)
    assert session.bodies == [
        {"type": "userFills", "user": req["user"]},
        {"type": "userFills", "user": req["user"], "aggregateByTime": True},
        {"type": "userFillsByTime", "user": req["user"], "startTime": 1, "endTime": 2},
        {"type": "userFillsByTime", "user": req["user"], "startTime": 1, "aggregateByTime": False},
    ]


def test_user_funding_pages_forward_from_the_newest_time(monkeypatch):
    req, rows = response("test_user_funding_history_without_end_time", "userFunding")
    assert len(rows) == 218  # rows of one hour share a time, so pages cut through hours

    def page(body):  # 100 rows per page, from startTime (inclusive)
        return [r for r in rows if r["time"] >= body["startTime"]][:100]

    monkeypatch.setattr("hl_pipeline.exchange.wallet_queries.LEDGER_PAGE", 100)
    client, session = _client({"userFunding": page})
    payments = client.user_funding(req["user"], req["startTime"])
    assert len(payments) == 218 and [p.time for p in payments] == sorted(p.time for p in payments)
    assert session.bodies[0]["startTime"] == req["startTime"] and len(session.bodies) == 3
    assert all("endTime" not in b for b in session.bodies)


def test_weights_of_the_new_types():
    assert base_weight("userRole") == 60
    assert {base_weight(t) for t in ("orderStatus", "spotClearinghouseState", "exchangeStatus")} == {2}
    assert {
        base_weight(t) for t in ("userFees", "portfolio", "vaultDetails", "perpDexs", "predictedFundings")
    } == {20}


def test_bad_addresses_are_refused_before_a_request():
    client, session = _client({})
    with pytest.raises(ValueError, match="bad user address"):
        client.user_fees("0x123")
    with pytest.raises(ValueError, match="bad user address"):
        client.max_builder_fee(USER, "builder")
    assert session.bodies == []

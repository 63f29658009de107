"""A response of an unknown shape raises MalformedResponseError naming the field, never KeyError,
TypeError or AttributeError: every parser, on wrong top-level shapes and on recorded or documented
bodies with one key removed or one value replaced."""

import contextlib
import copy
from typing import Any

import pytest

from hl_pipeline.exchange.errors import MalformedResponseError
from hl_pipeline.exchange.staking_payloads import parse_delegator_history
from hl_pipeline.exchange.vault_payloads import parse_portfolio
from hl_pipeline.exchange.ws_payloads import parse_ws_message
from hl_pipeline_tests.exchange.recordings import json_file, response, ws_frames
from hl_pipeline_tests.exchange.test_docs_examples import BODIES, PARSERS
from hl_pipeline_tests.exchange.test_every_recording import REST

CASSETTES = {  # a recording per REST parser
    "openOrders": "test_get_open_orders",
    "frontendOpenOrders": "test_get_frontend_open_orders",
    "historicalOrders": "test_historical_orders",
    "portfolio": "test_portfolio",
    "userFunding": "test_user_funding_history_with_end_time",
    "userNonFundingLedgerUpdates": "test_user_non_funding_ledger_updates_without_end_time",
    "userRateLimit": "test_user_rate_limit",
    "userRole": "test_user_role",
    "userVaultEquities": "test_user_vault_equities",
    "delegatorHistory": "test_delegator_history",
    "extraAgents": "test_extra_agents",
    "clearinghouseState": "test_get_user_state",
    "userFills": "test_get_user_fills",
    "meta": "test_get_info",
}
ALL = {**{t: (REST[t], lambda t=t: response(CASSETTES[t], t)[1]) for t in CASSETTES}}
ALL.update({t: (PARSERS[t], lambda t=t: BODIES[t]) for t in PARSERS})


def _mutations(body: Any):
    """(where, mutated body): each key of the first object reached removed, or its value swapped."""
    node, path = body, []
    while isinstance(node, list) and node:
        path.append(0)
        node = node[0]
    if not isinstance(node, dict):
        return
    for key in node:
        replacements: tuple[Any, ...] = ("<removed>", "x", [], {}, None)
        for replacement in replacements:
            mutated = copy.deepcopy(body)
            target = mutated
            for i in path:
                target = target[i]
            if replacement == "<removed>":
                del target[key]
            else:
                target[key] = replacement
            yield f"{key}={replacement!r}", mutated


def _expect_parse_or_malformed(parse, body, rtype):
    with contextlib.suppress(MalformedResponseError):
        parse(body, {"type": rtype})


@pytest.mark.parametrize("rtype", sorted(ALL))
def test_wrong_shapes_raise_only_the_parse_error(rtype):
    parse, load = ALL[rtype]
    for wrong in ({}, [], "x", ["x"], [None], 1.5, {"x": 1}, [[1, 2, 3]]):
        _expect_parse_or_malformed(parse, wrong, rtype)
    for _, mutated in _mutations(load()):
        _expect_parse_or_malformed(parse, mutated, rtype)


def test_the_error_names_request_and_field():
    req, body = response("test_portfolio", "portfolio")
    bad = copy.deepcopy(body)
    bad[2][1]["pnlHistory"][3][1] = "lots"
    with pytest.raises(
        MalformedResponseError, match=r"portfolio.*portfolio\[2\]\[1\].pnlHistory\[3\]\[1\]: expected"
    ):
        parse_portfolio(bad, req)
    del bad[0][1]["vlm"]
    with pytest.raises(MalformedResponseError, match=r"portfolio\[0\]\[1\] lacks 'vlm'"):
        parse_portfolio(bad, req)
    req, body = response("test_delegator_history", "delegatorHistory")
    bad = copy.deepcopy(body)
    bad[1]["delta"]["withdrawal"] = {"amount": "1.0"}
    with pytest.raises(MalformedResponseError, match=r"history\[1\].delta should have exactly one key"):
        parse_delegator_history(bad, req)


@pytest.mark.parametrize(
    "name", ["Trades", "OrderBook", "Klines", "BookTicker", "Prices", "Order", "UserEventTrade"]
)
def test_mutated_ws_frames_raise_only_the_parse_error(name):
    frames = [*ws_frames(name), json_file("nautilus_trader/ws_user_fill_liquidation.json")]
    for frame in frames:
        for _, mutated in _mutations(frame["data"]):
            with contextlib.suppress(MalformedResponseError):
                parse_ws_message({"channel": frame["channel"], "data": mutated})

"""Response shapes compared key by key and type by type with the recorded real responses."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Collection
from typing import Any

import yaml

from hl_pipeline_tests.simulator.helpers import DAY, NOW, address, post

FIXTURES = pathlib.Path("/work/shared/fixtures/hyperliquid")
CASSETTES = FIXTURES / "python_sdk_cassettes"


def _recorded(cassette: str, request_type: str):
    """The response body recorded for the first request of `request_type` in a cassette."""
    data = yaml.safe_load((CASSETTES / f"{cassette}.yaml").read_text())
    for it in data["interactions"]:
        if json.loads(it["request"]["body"])["type"] == request_type:
            return json.loads(it["response"]["body"]["string"])
    raise LookupError(request_type)


def _json_fixture(path: str):
    return json.loads((FIXTURES / path).read_text())


def _endpoint(name: str):
    """The JSON body of a JKorf endpoint recording (after its method/path header lines)."""
    text = (FIXTURES / "jkorf_hyperliquid_net/endpoints" / name).read_text()
    return json.loads(text[min(i for i in (text.find("{"), text.find("[")) if i >= 0) :])


def _shape(value):
    """Keys and JSON types, recursively; lists by their first element; None matches anything."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def assert_same_shape(got: Any, recorded: Any, ignore: Collection[str] = frozenset()) -> None:
    want, have = _shape(recorded), _shape(got)
    if isinstance(want, dict):
        for key, kind in want.items():
            if key in ignore:
                continue
            assert key in have, f"missing {key}"
            if kind != "NoneType" and have[key] != "NoneType":
                assert_same_shape(got[key], recorded[key], ignore)
    elif isinstance(want, list) and want:
        assert have, "empty list where the recording has items"
        assert_same_shape(got[0], recorded[0], ignore)
    else:
        assert have == want, (have, want)


def test_candles_shape(simulator):
    req = {"coin": "kPEPE", "interval": "1h", "startTime": NOW - DAY, "endTime": NOW}
    got = post(simulator, {"type": "candleSnapshot", "req": req}).json()
    recorded = _recorded("test_get_candles_snapshot", "candleSnapshot")
    assert_same_shape(got, recorded)
    modern = _endpoint("Spot_ExchangeData_GetKlines.txt")
    assert_same_shape(got, modern)
    assert list(got[0]) == list(modern[0])


def test_book_mids_meta_and_funding_shapes(simulator):
    book = post(simulator, {"type": "l2Book", "coin": "BTC"}).json()
    assert_same_shape(book, _recorded("test_get_l2_snapshot", "l2Book"))
    modern = _endpoint("Spot_ExchangeData_GetOrderBook.txt")
    assert list(book) == list(modern) and list(book["levels"][0][0]) == list(modern["levels"][0][0])
    assert_same_shape(post(simulator, {"type": "meta"}).json(), _recorded("test_get_info", "meta"))
    mids = post(simulator, {"type": "allMids"}).json()
    assert all(isinstance(v, str) for v in mids.values()) and "kPEPE" in mids
    funding = post(simulator, {"type": "fundingHistory", "coin": "BTC", "startTime": NOW - DAY}).json()
    assert_same_shape(funding, _recorded("test_get_funding_history[1684811870000]", "fundingHistory"))
    assert "e" not in "".join(r["fundingRate"] + r["premium"] for r in funding)


def test_contexts_and_trades_shapes(simulator):
    meta, ctxs = post(simulator, {"type": "metaAndAssetCtxs"}).json()
    recorded = _json_fixture("goat_sdk_testnet/metaAndAssetCtxs.json")
    assert_same_shape(meta, recorded[0])
    assert_same_shape(ctxs, recorded[1])
    assert list(ctxs[0]) == list(recorded[1][0])
    trades = post(simulator, {"type": "recentTrades", "coin": "BTC"}).json()
    recorded_trades = _json_fixture("goat_sdk_testnet/recentTrades_BTC.json")
    assert_same_shape(trades, recorded_trades)
    assert list(trades[0]) == list(recorded_trades[0])
    assert len(trades[0]["hash"]) == 66 and len(trades[0]["users"][0]) == 42


def test_fills_and_state_shapes(simulator):
    user = address("market_maker", 4)
    fills = post(simulator, {"type": "userFills", "user": user}).json()
    assert_same_shape(fills, _recorded("test_get_user_fills", "userFills"))
    modern = _json_fixture("nautilus_trader/http_user_fills_dust_conversion.json")
    assert list(fills[0]) == list(modern[0])
    assert_same_shape(fills, modern)
    by_time = post(
        simulator, {"type": "userFillsByTime", "user": user, "startTime": NOW - DAY, "endTime": NOW}
    ).json()
    assert_same_shape(by_time, _recorded("test_get_user_fills_by_time", "userFillsByTime"))
    state = post(simulator, {"type": "clearinghouseState", "user": user}).json()
    assert_same_shape(state, _endpoint("Futures_Account_GetAccountInfo.txt"), ignore={"rawUsd"})
    legacy = _recorded("test_get_user_state", "clearinghouseState")
    assert_same_shape(state, legacy, ignore={"maxTradeSzs"})

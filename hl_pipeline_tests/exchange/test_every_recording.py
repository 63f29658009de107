"""Every recording under the fixtures folder parses, and nothing in it is dropped: the parsed
records, turned back into JSON, carry every key of the recorded response (or, for the Arrow time
series, every key maps to a column)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lz4.frame
import pytest
import yaml

from hl_pipeline.exchange import (
    account_payloads,
    book_payloads,
    ledger_payloads,
    order_payloads,
    spot_payloads,
    staking_payloads,
    universe_payloads,
    user_payloads,
    vault_payloads,
)
from hl_pipeline.exchange.records import to_wire
from hl_pipeline.exchange.series_payloads import parse_candles, parse_funding
from hl_pipeline.exchange.ws_payloads import parse_ws_message
from hl_pipeline_tests.exchange.recordings import FIXTURES, missing_keys, ws_frames

_CANDLE_KEYS = {"t", "T", "s", "i", "o", "c", "h", "l", "v", "n"}  # -> the CANDLE_SCHEMA columns
_FUNDING_KEYS = {"coin", "fundingRate", "premium", "time"}  # -> the FUNDING columns


def _book_wire(book: book_payloads.L2Book) -> dict:
    levels = [[{"px": lv.px, "sz": lv.sz, "n": lv.n} for lv in side] for side in (book.bids, book.asks)]
    return {"coin": book.coin, "time": book.time, "levels": levels, **book.extra}


def _wire(parsed: Any) -> Any:
    if isinstance(parsed, book_payloads.L2Book):
        return _book_wire(parsed)
    if isinstance(parsed, book_payloads.Bbo):
        side = [
            None if lv is None else {"px": lv.px, "sz": lv.sz, "n": lv.n} for lv in (parsed.bid, parsed.ask)
        ]
        return {"coin": parsed.coin, "time": parsed.time, "bbo": side}
    if isinstance(parsed, (list, tuple)):
        return [_wire(x) for x in parsed]
    if isinstance(parsed, dict):
        return {k: _wire(v) for k, v in parsed.items()}
    return to_wire(parsed)


def _series(parse: Callable, keys: set[str]) -> Callable[[Any, dict], None]:
    def check(body: Any, request: dict) -> None:
        table = parse(body, 0, request)
        assert table.num_rows == len(body)
        assert set().union(*map(set, body)) <= keys, "a key the Arrow table has no column for"

    return check


REST: dict[str, Callable[[Any, dict], Any]] = {
    "meta": universe_payloads.parse_meta,
    "metaAndAssetCtxs": universe_payloads.parse_meta_and_asset_ctxs,
    "allMids": universe_payloads.parse_all_mids,
    "l2Book": book_payloads.parse_l2_book,
    "recentTrades": book_payloads.parse_recent_trades,
    "userFills": account_payloads.parse_fills,
    "userFillsByTime": account_payloads.parse_fills,
    "clearinghouseState": account_payloads.parse_clearinghouse_state,
    "userTwapSliceFills": account_payloads.parse_twap_slice_fills,
    "openOrders": order_payloads.parse_open_orders,
    "frontendOpenOrders": order_payloads.parse_frontend_open_orders,
    "historicalOrders": order_payloads.parse_historical_orders,
    "portfolio": vault_payloads.parse_portfolio,
    "userVaultEquities": vault_payloads.parse_user_vault_equities,
    "userFunding": ledger_payloads.parse_user_funding,
    "userNonFundingLedgerUpdates": ledger_payloads.parse_ledger_updates,
    "userRateLimit": user_payloads.parse_user_rate_limit,
    "userRole": user_payloads.parse_user_role,
    "extraAgents": user_payloads.parse_extra_agents,
    "delegatorHistory": staking_payloads.parse_delegator_history,
    "spotClearinghouseState": spot_payloads.parse_spot_clearinghouse_state,
    "spotMeta": spot_payloads.parse_spot_meta,
}
SERIES = {
    "candleSnapshot": _series(parse_candles, _CANDLE_KEYS),
    "fundingHistory": _series(parse_funding, _FUNDING_KEYS),
}
ENDPOINTS = {  # JKorf endpoint captures -> the request type that produced them
    "Futures_Account_GetAccountInfo": "clearinghouseState",
    "Futures_Account_GetFundingHistory": "userFunding",
    "Spot_Account_GetBalances": "spotClearinghouseState",
    "Spot_Account_GetRateLimits": "userRateLimit",
    "Spot_ExchangeData_GetExchangeInfo": "spotMeta",
    "Spot_ExchangeData_GetKlines": "candleSnapshot",
    "Spot_ExchangeData_GetOrderBook": "l2Book",
}
JSON_FILES = {  # plain JSON recordings -> request type (None: a WebSocket frame)
    "goat_sdk_testnet/allMids.json": "allMids",
    "goat_sdk_testnet/l2Book_BTC.json": "l2Book",
    "goat_sdk_testnet/metaAndAssetCtxs.json": "metaAndAssetCtxs",
    "goat_sdk_testnet/recentTrades_BTC.json": "recentTrades",
    "nautilus_trader/http_user_fills_dust_conversion.json": "userFills",
    "nautilus_trader/ws_all_dexs_asset_ctxs.json": None,
    "nautilus_trader/ws_allmids.json": None,
    "nautilus_trader/ws_user_fill_liquidation.json": None,
}
NOT_PAYLOADS = {"SOURCES.md", "goat_sdk_testnet/data.md"}  # data.md's JSON blocks are the goat files


def check_rest(rtype: str, body: Any, request: dict | None = None) -> None:
    request = request or {"type": rtype}
    if rtype in SERIES:
        SERIES[rtype](body, request)
        return
    parsed = REST[rtype](copy.deepcopy(body), request)
    assert missing_keys(body, _wire(parsed)) == []


def check_ws(frame: Any) -> None:
    message = parse_ws_message(frame)
    assert message.channel == frame["channel"]
    if "data" in frame:
        assert missing_keys(frame["data"], _wire(message.data)) == []


def _cassettes() -> list[Path]:
    return sorted((FIXTURES / "python_sdk_cassettes").glob("*.yaml"))


@pytest.mark.parametrize("path", _cassettes(), ids=lambda p: p.stem)
def test_sdk_cassette_parses_with_nothing_dropped(path):
    for interaction in yaml.safe_load(path.read_text())["interactions"]:
        request = json.loads(interaction["request"]["body"])
        check_rest(request["type"], json.loads(interaction["response"]["body"]["string"]), request)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_jkorf_endpoint_parses_with_nothing_dropped(name):
    text = (FIXTURES / "jkorf_hyperliquid_net" / "endpoints" / f"{name}.txt").read_text()
    check_rest(ENDPOINTS[name], json.loads(text.split("\n", 3)[3]))


@pytest.mark.parametrize("path", sorted((FIXTURES / "jkorf_hyperliquid_net" / "subscriptions").glob("*.txt")))
def test_jkorf_subscription_parses_with_nothing_dropped(path):
    frames = ws_frames(path.stem)
    assert [f["channel"] for f in frames[:1]] == ["subscriptionResponse"] and len(frames) == 2
    for frame in frames:
        check_ws(frame)


@pytest.mark.parametrize("name", sorted(JSON_FILES))
def test_json_recording_parses_with_nothing_dropped(name):
    body = json.loads((FIXTURES / name).read_text())
    rtype = JSON_FILES[name]
    check_ws(body) if rtype is None else check_rest(rtype, body)


def test_s3_archive_lines_are_l2book_frames_with_nothing_dropped():
    path = FIXTURES / "s3_archive/market_data/20240101/12/l2Book/BTC.lz4"
    lines = lz4.frame.decompress(path.read_bytes()).splitlines()
    assert len(lines) == 5587
    for line in lines[:: len(lines) // 50]:
        record = json.loads(line)
        assert set(record) == {"time", "ver_num", "raw"}  # the archive wrapper, read by archive.l2_reader
        check_ws(record["raw"])


def test_every_file_in_the_fixtures_folder_is_covered():
    covered = {p.relative_to(FIXTURES).as_posix() for p in _cassettes()} | set(JSON_FILES) | NOT_PAYLOADS
    covered |= {f"jkorf_hyperliquid_net/endpoints/{n}.txt" for n in ENDPOINTS}
    covered |= {
        p.relative_to(FIXTURES).as_posix()
        for p in (FIXTURES / "jkorf_hyperliquid_net" / "subscriptions").glob("*.txt")
    }
    covered.add("s3_archive/market_data/20240101/12/l2Book/BTC.lz4")
    present = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file()}
    assert present - covered == set()


def test_the_check_notices_a_dropped_key():
    assert missing_keys({"a": 1, "b": {"c": 2}}, {"a": 1, "b": {}}) == [".b.c"]
    assert missing_keys([["day", {"vlm": "1"}]], {"day": {}}) == ["['day'].vlm"]

"""WebSocket messages, per channel, on the recorded subscription frames (JKorf, nautilus, the S3 archive)."""

import copy

import pytest

from hl_pipeline.exchange.errors import MalformedResponseError
from hl_pipeline.exchange.ws_payloads import CHANNELS, parse_ws_message
from hl_pipeline_tests.exchange.recordings import json_file, ws_frames

USER = "0x31ca8395cf837de08b24da3f660e77761dfb974b"


def _pushed(name):
    ack, update = ws_frames(name)
    return parse_ws_message(ack).data, parse_ws_message(update)


def test_acks_echo_the_subscription_with_defaults():
    ack, _ = _pushed("OrderBook")
    assert ack.method == "subscribe"
    assert ack.subscription == {"type": "l2Book", "coin": "HYPE", "nSigFigs": None, "mantissa": None}


def test_trades_carry_buyer_and_seller():
    _, msg = _pushed("Trades")
    (trade,) = msg.data
    assert (msg.channel, trade.coin, trade.side, trade.px, trade.sz, trade.tid) == (
        "trades",
        "HYPE",
        "B",
        35.276,
        5.78,
        716095722814130,
    )
    assert trade.users == (
        "0x8cdba352268065be9d5444e1f82b8fe83717bbd5",
        "0x13558be785661958932ceac35ba20de187275a42",
    )


def test_book_bbo_candle_mids():
    book = _pushed("OrderBook")[1].data
    assert book.time == 1764842873555 and book.bids[0].px == 34.967 and book.asks[1].n == 4
    bbo = _pushed("BookTicker")[1].data
    assert (bbo.coin, bbo.bid.px, bbo.ask.sz, bbo.ask.n) == ("HYPE", 23.757, 100.26, 2)
    candle = _pushed("Klines")[1].data
    assert (candle.coin, candle.interval, candle.open_time, candle.close_time) == (
        "HYPE",
        "1d",
        1764806400000,
        1764892799999,
    )
    assert (candle.open, candle.close, candle.volume, candle.trades) == (
        34.668,
        34.868,
        3495670.8399999999,
        102895,
    )
    assert _pushed("Prices")[1].data.mids == {"0G": 1.2017, "2Z": 0.129165}
    assert parse_ws_message(json_file("nautilus_trader/ws_allmids.json")).data.mids["@142"] == 80907.5


def test_order_updates_and_user_events():
    (update,) = _pushed("Order")[1].data
    assert (update.status, update.order.coin, update.order.orig_sz, update.status_timestamp) == (
        "open",
        "@107",
        0.49,
        1764843090519,
    )
    event = _pushed("UserEventTrade")[1]
    assert event.channel == "user" and event.data.funding is None
    (fill,) = event.data.fills
    assert (fill.coin, fill.fee_token, fill.twap_id, fill.crossed) == ("@107", "HYPE", None, True)
    (liq,) = parse_ws_message(json_file("nautilus_trader/ws_user_fill_liquidation.json")).data.fills
    assert liq.liquidation.method == "market" and liq.cloid == "0xe8d5fd7ebbb4c3cff4d1803472a11463"


def test_all_dexs_asset_ctxs_by_dex():
    ctxs = parse_ws_message(json_file("nautilus_trader/ws_all_dexs_asset_ctxs.json")).data.ctxs
    assert list(ctxs) == ["", "abcd", "cash", "flx", "hyna", "km", "para", "vntl", "xyz"]
    assert (
        len(ctxs[""]) == 230
        and ctxs[""][0].mark_px == 77562.0
        and ctxs[""][0].impact_pxs == (77558.0, 77559.0)
    )


def test_user_feeds_with_snapshot_flag():
    fill = json_file("nautilus_trader/http_user_fills_dust_conversion.json")[0]
    snapshot = parse_ws_message(
        {"channel": "userFills", "data": {"isSnapshot": True, "user": USER, "fills": [fill]}}
    )
    assert snapshot.data.is_snapshot and snapshot.data.fills[0].coin == "ARB"
    streamed = parse_ws_message({"channel": "userFills", "data": {"user": USER, "fills": []}})
    assert streamed.data.is_snapshot is False
    funding = {
        "time": 1,
        "coin": "ETH",
        "usdc": "-3.6",
        "szi": "49.1",
        "fundingRate": "0.0000417",
        "nSamples": None,
    }
    fundings = parse_ws_message(
        {"channel": "userFundings", "data": {"isSnapshot": True, "user": USER, "fundings": [funding]}}
    ).data
    assert fundings.fundings[0].usdc == -3.6 and fundings.fundings[0].n_samples is None
    ledger = parse_ws_message(
        {
            "channel": "userNonFundingLedgerUpdates",
            "data": {
                "user": USER,
                "nonFundingLedgerUpdates": [
                    {"time": 2, "hash": "0x1", "delta": {"type": "deposit", "usdc": "5.0"}}
                ],
            },
        }
    ).data
    assert ledger.updates[0].kind == "deposit" and ledger.updates[0].usdc == 5.0


def test_small_channels():
    assert parse_ws_message({"channel": "pong"}).data is None
    assert (
        parse_ws_message({"channel": "error", "data": "Already subscribed: {}"}).data
        == "Already subscribed: {}"
    )
    assert parse_ws_message({"channel": "notification", "data": {"notification": "hi"}}).data == "hi"
    ctx = {"dayNtlVlm": "1.5", "prevDayPx": "2.0", "markPx": "2.1", "midPx": "2.05", "funding": "0.0000125"}
    msg = parse_ws_message({"channel": "activeAssetCtx", "data": {"coin": "BTC", "ctx": ctx}})
    assert msg.data.ctx.funding == 0.0000125
    spot = {"dayNtlVlm": "1.5", "prevDayPx": "2.0", "markPx": "2.1", "circulatingSupply": "100.0"}
    assert (
        parse_ws_message(
            {"channel": "activeSpotAssetCtx", "data": {"coin": "@107", "ctx": spot}}
        ).data.ctx.circulating_supply
        == 100.0
    )
    data = {
        "user": USER,
        "coin": "APT",
        "leverage": {"type": "cross", "value": 3},
        "maxTradeSzs": ["24.0", "24.5"],
        "availableToTrade": ["37.0", "37.0"],
    }
    assert parse_ws_message({"channel": "activeAssetData", "data": data}).data.max_trade_szs == (24.0, 24.5)
    web = parse_ws_message(
        {"channel": "webData2", "data": {"user": USER, "serverTime": 5, "cumLedger": "1.0"}}
    ).data
    assert web.server_time == 5 and web.extra == {"cumLedger": "1.0"}
    assert {"trades", "l2Book", "user", "pong", "subscriptionResponse", "allDexsAssetCtxs"} <= CHANNELS


@pytest.mark.parametrize(
    "message, problem",
    [
        ({"channel": "wat", "data": {}}, "message.channel 'wat' is not one of"),
        ({"data": []}, "message lacks 'channel'"),
        ({"channel": "trades"}, "message lacks 'data'"),
        ({"channel": "trades", "data": {"coin": "BTC"}}, "data should be a JSON array"),
        ({"channel": "candle", "data": {"t": 1}}, "data lacks 'T'"),
        ({"channel": "bbo", "data": {"coin": "X", "time": 1, "bbo": [None]}}, "bbo.bbo should be [bid, ask]"),
        ({"channel": "user", "data": {"fills": [{"coin": "BTC"}]}}, "data.fills[0] lacks 'px'"),
        ({"channel": "userFills", "data": {"user": USER}}, "data lacks 'fills'"),
        (
            {"channel": "allMids", "data": {"mids": {"BTC": 1.5}}},
            "data.mids['BTC']: expected a decimal string",
        ),
        ("not an object", "message should be a JSON object"),
    ],
)
def test_unknown_shapes_raise_the_packages_parse_error_naming_the_field(message, problem):
    with pytest.raises(MalformedResponseError) as err:
        parse_ws_message(message)
    assert problem in str(err.value)


def test_a_bad_trade_in_a_recorded_frame_names_its_index():
    _, frame = ws_frames("Trades")
    frame = copy.deepcopy(frame)
    frame["data"][0]["px"] = "1,5"
    with pytest.raises(MalformedResponseError, match=r"trades.*data\[0\].px"):
        parse_ws_message(frame)

from hl_pipeline.exchange.account_payloads import parse_clearinghouse_state, parse_fills
from hl_pipeline.exchange.book_payloads import parse_l2_book, parse_recent_trades
from hl_pipeline_tests.exchange.recordings import FIXTURES, json_file, response


def test_l2_book_dydx_20_plus_20():
    req, body = response("test_get_l2_snapshot", "l2Book")
    book = parse_l2_book(body, req)
    assert book.coin == "DYDX" and book.time == 1689630203930
    assert len(book.bids) == 20 and len(book.asks) == 20
    assert (book.bids[0].px, book.bids[0].sz, book.bids[0].n) == (2.111, 134.4, 1)
    assert book.bids[0].px < book.asks[0].px


def test_l2_book_testnet_btc():
    book = parse_l2_book(json_file("goat_sdk_testnet/l2Book_BTC.json"))
    assert book.time == 1734766661682 and len(book.bids) == len(book.asks) == 20


def test_recent_trades_testnet_newest_first_with_users():
    trades = parse_recent_trades(json_file("goat_sdk_testnet/recentTrades_BTC.json"))
    assert len(trades) == 10
    first = trades[0]
    assert (first.coin, first.side, first.px, first.sz, first.time, first.tid) == (
        "BTC",
        "A",
        98818.0,
        0.04221,
        1734766660612,
        546741900151431,
    )
    assert first.users == (
        "0xc64cc00b46101bd40aa1c3121195e85c0b0918d8",
        "0x6a8750a4cccffdb394a7bbe9d4d0dcef23fb1417",
    )
    assert all(a.time >= b.time for a, b in zip(trades, trades[1:]))


def test_user_fills_recordings_500_newest_first():
    for name, rtype in (
        ("test_get_user_fills", "userFills"),
        ("test_get_user_fills_by_time", "userFillsByTime"),
    ):
        req, body = response(name, rtype)
        fills = parse_fills(body, req)
        assert len(fills) == 500
        assert fills[0].time == 1683245884863 and fills[-1].time == 1683245555699
        first = fills[0]
        assert (first.coin, first.px, first.sz, first.side, first.dir, first.closed_pnl) == (
            "SUI",
            1.3189,
            142.7,
            "A",
            "Close Long",
            -0.25686,
        )
        assert first.crossed is True and first.oid == 189324432 and first.tid is None  # 2023 format
        assert len({f.key for f in fills}) == 500


def test_nautilus_fills_dust_conversion_and_liquidation():
    fills = parse_fills(json_file("nautilus_trader/http_user_fills_dust_conversion.json"))
    assert len(fills) == 5
    dust = next(f for f in fills if f.dir == "Spot Dust Conversion")
    assert (dust.coin, dust.tid, dust.sz, dust.fee_token, dust.twap_id) == (
        "@142",
        0,
        0.0000086141,
        "USDC",
        None,
    )
    assert {f.fee_token for f in fills} == {"USDC", "USOL"}
    frame = json_file("nautilus_trader/ws_user_fill_liquidation.json")
    (liq,) = parse_fills(frame["data"]["fills"])
    assert liq.liquidation is not None
    assert liq.liquidation.method == "market" and liq.liquidation.mark_px == 66607.0
    assert liq.liquidation.liquidated_user == "0x360878d351f05975e25f1807a27895e1e5e004fb"
    assert (
        liq.cloid == "0xe8d5fd7ebbb4c3cff4d1803472a11463"
        and liq.fee == 0.009997
        and liq.tid == 745210434703679
    )


def test_builder_fee_and_twap_id_when_present():
    raw = dict(
        json_file("nautilus_trader/http_user_fills_dust_conversion.json")[0], builderFee="0.01", twapId=42
    )
    (fill,) = parse_fills([raw])
    assert fill.builder_fee == 0.01 and fill.twap_id == 42


def test_clearinghouse_state_12_positions():
    req, body = response("test_get_user_state", "clearinghouseState")
    state = parse_clearinghouse_state(body, req)
    assert len(state.positions) == 12
    btc = state.positions[0]
    assert (btc.coin, btc.szi, btc.entry_px, btc.leverage_type, btc.leverage) == (
        "BTC",
        -0.00785,
        26951.0,
        "cross",
        20,
    )
    assert state.positions[1].liquidation_px is None
    assert state.margin_summary.account_value == 1182.312496 and state.withdrawable == 1010.57173
    assert state.time is None


def test_clearinghouse_state_isolated_with_cum_funding():
    text = (FIXTURES / "jkorf_hyperliquid_net/endpoints/Futures_Account_GetAccountInfo.txt").read_text()
    import json

    state = parse_clearinghouse_state(json.loads(text.split("\n", 3)[3]))
    (pos,) = state.positions
    assert (pos.leverage_type, pos.leverage, pos.leverage_raw_usd, pos.max_leverage) == (
        "isolated",
        10,
        -68.126246,
        10,
    )
    assert pos.cum_funding_all_time == 4.966798 and state.time == 1754467216357

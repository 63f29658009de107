"""The official SDK and ccxt work against the simulator with only the base URL changed."""

from __future__ import annotations

import ccxt
from hyperliquid.info import Info

from hl_pipeline_tests.simulator.helpers import DAY, HOUR, NOW, address


def test_official_sdk(simulator):
    info = Info(base_url=simulator.base_url, skip_ws=True)
    assert info.meta()["universe"][0]["name"] == "BTC"
    assert float(info.all_mids()["BTC"]) > 0
    book = info.l2_snapshot("BTC")
    assert book["coin"] == "BTC" and len(book["levels"][0]) == 20
    candles = info.candles_snapshot("BTC", "1h", NOW - DAY, NOW)
    assert len(candles) == 25 and candles[0]["i"] == "1h"
    funding = info.funding_history("BTC", NOW - DAY, NOW)
    assert len(funding) == 24
    user = address("market_maker", 5)
    assert len(info.user_fills(user)) == 2000
    by_time = info.user_fills_by_time(user, NOW - HOUR)
    assert by_time and all(f["time"] >= NOW - HOUR for f in by_time)
    assert "marginSummary" in info.user_state(user)
    meta, ctxs = info.meta_and_asset_ctxs()
    assert len(meta["universe"]) == len(ctxs)


def test_ccxt(simulator):
    exchange = ccxt.hyperliquid(
        {
            "urls": {"api": {"public": simulator.base_url, "private": simulator.base_url}},
            "enableRateLimit": False,
        }
    )
    markets = exchange.load_markets()
    assert "BTC/USDC:USDC" in markets and markets["BTC/USDC:USDC"]["id"] == "0"
    ohlcv = exchange.fetch_ohlcv("BTC/USDC:USDC", "1h", NOW - DAY, 24)
    assert ohlcv and NOW - DAY <= ohlcv[0][0] < NOW - DAY + HOUR and all(len(row) == 6 for row in ohlcv)
    book = exchange.fetch_order_book("BTC/USDC:USDC")
    assert book["bids"][0][0] < book["asks"][0][0] and len(book["bids"]) == 20
    rates = exchange.fetch_funding_rate_history("BTC/USDC:USDC", NOW - DAY)
    assert len(rates) == 24 and rates[0]["symbol"] == "BTC/USDC:USDC"

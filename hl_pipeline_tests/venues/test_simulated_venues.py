"""Unmodified ccxt classes against the simulator's venues on loopback, only `urls['api']` changed."""

import time

import ccxt
import numpy as np
import pytest

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.simulator.venues import truth
from hl_pipeline.venues.clients import venue_client
from hl_pipeline_tests.conftest import TEST_NOW_MS

SYMBOLS = {
    "binanceusdm": "BTC/USDT:USDT",
    "bybit": "BTC/USDT:USDT",
    "okx": "BTC/USDT:USDT",
    "coinbaseexchange": "BTC/USD",
}
SINCE = TEST_NOW_MS - 2 * 86_400_000


@pytest.fixture(params=list(SYMBOLS))
def venue(request, simulator):
    return venue_client(request.param, simulator.base_url)


def test_markets_candles_ticker_and_book(venue):
    markets = venue.load_markets()
    symbol = SYMBOLS[venue.id]
    assert symbol in markets and markets[symbol]["active"]
    rows = venue.fetch_ohlcv(
        symbol, "1m", since=SINCE, limit=300, params={"until": SINCE + 300 * MINUTE_MS - 1}
    )
    times = [r[0] for r in rows]
    assert times == list(range(SINCE, SINCE + 300 * MINUTE_MS, MINUTE_MS))  # whole window, oldest first
    assert all(r[3] <= min(r[1], r[4]) <= max(r[1], r[4]) <= r[2] for r in rows)  # low <= open, close <= high
    assert 10_000 < rows[-1][4] < 100_000
    ticker = venue.fetch_ticker(symbol)
    book = venue.fetch_order_book(symbol)
    assert book["bids"][0][0] < ticker["last"] < book["asks"][0][0]


@pytest.mark.parametrize("venue_id", ["binanceusdm", "bybit", "okx"])
def test_perpetuals_serve_eight_hourly_funding_and_hourly_open_interest(simulator, venue_id):
    ex = venue_client(venue_id, simulator.base_url)
    symbol = SYMBOLS[venue_id]
    since = SINCE // (8 * HOUR_MS) * 8 * HOUR_MS
    funding = ex.fetch_funding_rate_history(
        symbol, since=since, limit=100, params={"until": since + 48 * HOUR_MS - 1}
    )
    inside = [
        f["timestamp"] - since for f in funding if f["timestamp"] < since + 48 * HOUR_MS
    ]  # okx: no until
    assert inside == [h * HOUR_MS for h in range(0, 48, 8)]
    oi = ex.fetch_open_interest_history(
        symbol, "1h", since=since, limit=24, params={"until": since + 24 * HOUR_MS - 1}
    )
    assert len(oi) == 24 and all((o["openInterestAmount"] or o["openInterestValue"]) > 0 for o in oi)


def test_kpepe_is_1000pepe_on_binance_and_pepe_with_a_contract_size_on_okx(simulator):
    binance = venue_client("binanceusdm", simulator.base_url).load_markets()
    okx = venue_client("okx", simulator.base_url).load_markets()
    assert "1000PEPE/USDT:USDT" in binance and "PEPE/USDT:USDT" not in binance
    assert (
        okx["PEPE/USDT:USDT"]["contractSize"] == 10_000_000 and okx["BTC/USDT:USDT"]["contractSize"] == 0.01
    )


@pytest.mark.parametrize("venue_id", list(SYMBOLS))
def test_an_unlisted_symbol_is_refused_in_the_venues_own_words(simulator, venue_id):
    ex = venue_client(venue_id, simulator.base_url)
    ex.load_markets()
    market = dict(ex.market(SYMBOLS[venue_id]))
    bogus = {**market, "id": "NOPE-USD" if venue_id == "coinbaseexchange" else "NOPEUSDT", "symbol": "NOPE"}
    ex.markets["NOPE"] = bogus
    with pytest.raises(ccxt.ExchangeError):  # BadSymbol (binance, bybit, okx), OrderNotFound (coinbase)
        ex.fetch_ohlcv("NOPE", "1m", since=SINCE, limit=10)


def test_caps_are_enforced(simulator):
    binance = venue_client("binanceusdm", simulator.base_url)
    with pytest.raises(ccxt.BadRequest):
        binance.fapiPublicGetKlines({"symbol": "BTCUSDT", "interval": "1m", "limit": 1501})
    coinbase = venue_client("coinbaseexchange", simulator.base_url)
    with pytest.raises(ccxt.ExchangeError, match="exceeds 300"):
        coinbase.publicGetProductsIdCandles(
            {
                "id": "BTC-USD",
                "granularity": 60,
                "start": "2024-02-28T00:00:00Z",
                "end": "2024-02-28T06:00:00Z",
            }
        )


def test_rate_limits_answer_as_each_venue_does(simulator):
    bybit = venue_client("bybit", simulator.base_url, rate_limit=False)
    with pytest.raises(ccxt.RateLimitExceeded):  # HTTP 403 beyond 600 requests per 5 s
        for _ in range(3000):  # refilled at 120 a second: the loop outpaces it
            bybit.publicGetV5MarketInstrumentsInfo({"category": "linear", "status": "PreLaunch"})
    coinbase = venue_client("coinbaseexchange", simulator.base_url, rate_limit=False)
    with pytest.raises(ccxt.RateLimitExceeded):  # 429 beyond bursts of 15
        for _ in range(40):
            coinbase.publicGetProductsIdTicker({"id": "BTC-USD"})
    time.sleep(1.6)  # the bucket refills
    limited = venue_client("coinbaseexchange", simulator.base_url)  # ccxt's limiter keeps it under
    for _ in range(20):
        limited.publicGetProductsIdTicker({"id": "BTC-USD"})


def test_the_venues_trail_hyperliquid_by_their_known_basis(simulator, sim_config):
    from hl_pipeline.simulator.pricepath import price

    spec = sim_config.coins[0]
    t = np.arange(SINCE, SINCE + 1000 * MINUTE_MS, MINUTE_MS)
    rows = venue_client("binanceusdm", simulator.base_url).fetch_ohlcv(
        "BTC/USDT:USDT", "1m", since=SINCE, limit=1000, params={"until": SINCE + 1000 * MINUTE_MS - 1}
    )
    close = np.array([r[4] for r in rows])
    known = truth(sim_config)["binanceusdm"]
    efficient = price(
        sim_config.seed, 0, spec.start_px, spec.daily_vol, t + MINUTE_MS - 10_000 - known["lag_ms"]
    )
    basis = np.median((close / efficient - 1) * 1e4)
    assert basis == pytest.approx(known["basis_bps"], abs=0.3)

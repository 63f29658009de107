"""InfoClient against the simulator on loopback: pagination, caps, validation before requests."""

import dataclasses

import numpy as np
import pyarrow as pa
import pytest

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.errors import RequestRejectedError, UnknownCoinError, UnknownIntervalError
from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.exchange.series_payloads import CANDLE_SCHEMA
from hl_pipeline.lake.schemas import FUNDING
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline_tests.conftest import TEST_NOW_MS

PAGE = 300


@pytest.fixture
def sim_config() -> SimulatorConfig:
    return SimulatorConfig(seed=7, now_ms=TEST_NOW_MS, candle_page=PAGE, funding_page=100, fills_page=50)


@pytest.fixture
def client(simulator) -> InfoClient:
    c = InfoClient(simulator.base_url, backoff_base=0.01, backoff_cap=0.05)
    c.candle_page, c.funding_page, c.fills_page = PAGE, 100, 50
    return c


def _direct(config: SimulatorConfig) -> Market:
    return Market(
        dataclasses.replace(config, candle_page=10**6, funding_page=10**6, fills_page=10**6, retention=None)
    )


def _ms(table: pa.Table) -> np.ndarray:
    return table.column("time").cast(pa.int64()).to_numpy()


def test_candle_pagination_equals_direct_generation(client, simulator):
    start, end = TEST_NOW_MS - 40 * DAY_MS + 123, TEST_NOW_MS - 3 * DAY_MS
    table = client.candles("ETH", "1h", start, end)
    expected = _direct(simulator.config).candles("ETH", "1h", start, end)
    assert len(expected) > 2 * PAGE  # several pages were needed
    assert client.stats.by_type["candleSnapshot"] == 3  # 300 + 300 + a short page
    assert table.schema == CANDLE_SCHEMA
    t = _ms(table)
    assert list(t) == [r["t"] for r in expected]
    assert np.all(np.diff(t) > 0) and t[0] <= start < t[0] + HOUR_MS and t[-1] <= end
    assert table.column("close").to_pylist() == [float(r["c"]) for r in expected]
    assert table.column("trades").to_pylist() == [r["n"] for r in expected]


def test_candles_beyond_retention_start_at_the_horizon(client, simulator):
    client.candle_page = 5000
    simulator.config.candle_page = 5000
    start = TEST_NOW_MS - 10 * DAY_MS  # 14,400 minutes back, retention keeps 5,000
    table = client.candles("BTC", "1m", start, TEST_NOW_MS)
    horizon = client.candle_horizon("1m", TEST_NOW_MS)
    t = _ms(table)
    assert table.num_rows <= 5000 and t[0] >= horizon
    assert t[-1] == TEST_NOW_MS // MINUTE_MS * MINUTE_MS
    assert np.all(np.diff(t) == MINUTE_MS)


def test_candle_horizon_arithmetic():
    c = InfoClient("http://127.0.0.1:9", retained_candles=5000)
    assert c.candle_horizon("1m", TEST_NOW_MS) == TEST_NOW_MS - 4999 * MINUTE_MS
    assert c.candle_horizon("1d", TEST_NOW_MS) == TEST_NOW_MS // DAY_MS * DAY_MS - 4999 * DAY_MS
    assert c.candle_horizon("1M", TEST_NOW_MS) == 0
    assert InfoClient("http://127.0.0.1:9", retained_candles=None).candle_horizon("1m", TEST_NOW_MS) is None
    with pytest.raises(UnknownIntervalError):
        c.candle_horizon("2m", TEST_NOW_MS)


def test_funding_pagination(client, simulator):
    start, end = TEST_NOW_MS - 20 * DAY_MS, TEST_NOW_MS - DAY_MS
    table = client.funding_history("SOL", start, end)
    expected = _direct(simulator.config).funding("SOL", start, end)
    assert len(expected) > 300 and client.stats.by_type["fundingHistory"] >= 4
    assert table.schema == FUNDING
    t = _ms(table)
    assert list(t) == [r["time"] for r in expected]
    assert np.all(np.diff(t) > 0) and t[0] >= start and t[-1] <= end
    assert table.column("funding_rate").to_pylist() == [float(r["fundingRate"]) for r in expected]


def test_user_fills_by_time_pagination(client, simulator):
    market = _direct(simulator.config)
    start = TEST_NOW_MS - 30 * MINUTE_MS
    user = next(  # more than two pages of 50
        u
        for u in market.wallets.addresses
        if 100 < len(market.user_fills_by_time(u, start, TEST_NOW_MS)) < 1000
    )
    expected = market.user_fills_by_time(user, start, TEST_NOW_MS)
    fills = client.user_fills_by_time(user, start, TEST_NOW_MS)
    assert client.stats.by_type["userFillsByTime"] >= 3
    assert len(fills) == len({f.key for f in fills}) == len(expected)
    assert sorted(f.tid for f in fills) == sorted(r["tid"] for r in expected)
    assert all(a.time <= b.time for a, b in zip(fills, fills[1:]))
    recent = client.user_fills(user)
    assert len(recent) == 50 and recent[0].time >= recent[-1].time
    state = client.clearinghouse_state(user)
    assert state.margin_summary.account_value is not None


def test_book_trades_mids_contexts(client):
    book = client.l2_book("BTC")
    assert 0 < len(book.bids) <= 20 and book.bids[0].px < book.asks[0].px
    assert client.l2_book("BTC", n_sig_figs=5, mantissa=2).coin == "BTC"
    trades = client.recent_trades("kPEPE")
    assert trades and all(t.coin == "kPEPE" for t in trades)
    meta, ctxs = client.meta_and_asset_ctxs()
    assert len(ctxs) == len(meta.universe) == 10
    assert set(client.all_mids()) >= set(meta.names)


def test_unknown_coin_and_bad_interval_spend_no_request(simulator):
    client = InfoClient(simulator.base_url)
    with pytest.raises(UnknownIntervalError, match=r"'2m'.*did you mean"):
        client.candles("BTC", "2m", 0, 1)
    with pytest.raises(ValueError, match="start_ms 5 is after end_ms 1"):
        client.candles("BTC", "1m", 5, 1)
    with pytest.raises(ValueError, match="negative"):
        client.funding_history("BTC", -1, 1)
    with pytest.raises(ValueError, match="mantissa"):
        client.l2_book("BTC", n_sig_figs=4, mantissa=2)
    with pytest.raises(ValueError, match="user address"):
        client.user_fills("0x123")
    assert client.stats.requests == 0
    client.meta()
    assert client.stats.requests == 1
    with pytest.raises(UnknownCoinError, match=r"'BTX'.*did you mean 'BTC'"):
        client.candles("BTX", "1h", 0, 1)
    with pytest.raises(UnknownCoinError, match=r"'kpepe'.*'kPEPE'"):
        client.funding_history("kpepe", 0, 1)
    assert client.stats.requests == 1


def test_rejected_request_is_not_retried(client):
    with pytest.raises(RequestRejectedError, match=r"422.*Failed to deserialize"):
        client._http.call({"type": "noSuchRequest"}, lambda data, _: data)
    assert client.stats.requests == 1 and client.stats.retries == 0

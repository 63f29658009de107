"""The venue logic without Dagster or a network: windows, the coin mapping, the median, normalising."""

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.errors import ConfigError
from hl_pipeline.venues.crossval import cross_validate, funding_spread, weighted_median
from hl_pipeline.venues.names import check_venues
from hl_pipeline.venues.symbols import MappedMarket
from hl_pipeline.venues.symbols import map_coin as mapped
from hl_pipeline.venues.tables import candle_table, funding_hours, funding_table
from hl_pipeline.venues.windows import candle_requests, windows


def test_windows_cover_the_span_exactly_in_whole_requests():
    got = windows(0, 2_500 * 60_000, 60_000, 1000)
    assert got == [(0, 60_000_000), (60_000_000, 120_000_000), (120_000_000, 150_000_000)]
    assert candle_requests("okx", 525_600) == 1752 and candle_requests("binanceusdm", 525_600) == 526


def test_a_bad_venue_name_is_refused_naming_it():
    with pytest.raises(ConfigError, match=r"'binanceusd'.*HL_VENUES"):
        check_venues(("okx", "binanceusd"))


MARKETS = {
    "1000PEPE/USDT:USDT": {"id": "1000PEPEUSDT", "contractSize": 1.0, "active": True},
    "PEPE/USDT:USDT": {"id": "PEPE-USDT-SWAP", "contractSize": 1e7, "active": True},
    "BTC/USD": {"id": "BTC-USD", "active": True},
    "ETH/USDT:USDT": {"id": "ETHUSDT", "active": False},
}


def map_coin(venue: str, coin: str, markets: dict) -> MappedMarket:
    found = mapped(venue, coin, markets)
    assert found is not None, (venue, coin)
    return found


def test_kpepe_maps_to_the_thousand_contract_first_and_spot_after_perpetuals():
    kpepe = map_coin("binanceusdm", "kPEPE", MARKETS)
    assert (kpepe.symbol, kpepe.price_multiplier) == ("1000PEPE/USDT:USDT", 1.0)
    only_pepe = map_coin("okx", "kPEPE", {"PEPE/USDT:USDT": MARKETS["PEPE/USDT:USDT"]})
    assert (only_pepe.price_multiplier, only_pepe.contract_size) == (1000.0, 1e7)
    assert map_coin("coinbaseexchange", "BTC", MARKETS).type == "spot"
    assert mapped("bybit", "ETH", MARKETS) is None  # listed but inactive
    assert mapped("bybit", "HYPE", MARKETS) is None


def test_prices_and_sizes_are_in_hyperliquid_units():
    pepe = map_coin("okx", "kPEPE", {"PEPE/USDT:USDT": MARKETS["PEPE/USDT:USDT"]})
    table = candle_table(pepe, [[60_000, 2e-6, 3e-6, 1e-6, 2.5e-6, 5_000_000.0]], 0)
    row = table.to_pylist()[0]
    assert row["close"] == pytest.approx(2.5e-3) and row["volume"] == pytest.approx(5_000)


def test_funding_is_normalised_by_the_interval_the_settlements_show():
    rows = [{"timestamp": h * 3_600_000, "fundingRate": 8e-4} for h in (0, 8, 16)]
    assert funding_hours(rows) == 8.0
    assert funding_hours(rows[:1], {"fundingInterval": 240}) == 4.0
    assert funding_hours(rows[:1]) == 8.0
    btc = map_coin("bybit", "BTC", {"BTC/USDT:USDT": {"id": "BTCUSDT"}})
    table = funding_table(btc, rows, 8.0, 0).to_pandas()
    assert table["funding_rate_hourly"].tolist() == pytest.approx([1e-4] * 3)


def test_weighted_median_follows_the_oracle_weights_and_skips_absent_venues():
    values = np.array([[100.0, 101.0, 102.0], [np.nan, 101.0, 102.0], [np.nan, np.nan, np.nan]])
    got = weighted_median(values, np.array([3, 2, 2]))  # binance weighs 3 of 7
    assert got[0] == 101.0 and got[1] == 101.0 and np.isnan(got[2])
    assert np.isnan(weighted_median(np.empty((2, 0)), np.empty(0))).all()


def test_cross_validation_flags_minutes_and_records_venue_gaps_without_dropping_them():
    t = np.arange(5) * 60_000
    hl = pd.DataFrame({"time": t, "close": [100.0, 100.0, 103.0, 100.0, 100.0]})
    venues = pd.DataFrame(
        {"venue": ["binanceusdm"] * 5 + ["okx"] * 4, "time": [*t, *t[:4]], "close": [100.0] * 9}
    )
    result = cross_validate(hl, venues)
    assert len(result.minutes) == 5 and result.flagged["time"].tolist() == [120_000]
    assert result.venue_gaps() == {"binanceusdm": 0, "okx": 1}
    alone = cross_validate(hl, venues.iloc[:0])
    assert alone.compared == 0 and not alone.minutes["flagged"].any()


def test_funding_spread_is_hyperliquid_hourly_minus_the_venue_normalised():
    hl = pd.DataFrame(
        {"time": pd.to_datetime([0, 3_600_000], unit="ms", utc=True), "funding_rate": [2e-5, 3e-5]}
    )
    venue = pd.DataFrame(
        {
            "venue": ["okx"],
            "time": pd.to_datetime([3_600_000], unit="ms", utc=True),
            "funding_rate_hourly": [1e-5],
        }
    )
    assert funding_spread(hl, venue)["spread_hourly"].tolist() == pytest.approx([2e-5])


def test_the_cross_venue_check_fails_on_too_many_flagged_minutes_and_names_them():
    from hl_pipeline.quality.venue_checks import check_cross_venue

    t = pd.Series(pd.to_datetime(np.arange(200) * 60_000, unit="ms", utc=True))
    hl = pd.DataFrame({"date": "1970-01-01", "coin": "BTC", "time": t, "close": 100.0})
    hl.loc[10:12, "close"] = 102.0  # 3 minutes 200 bps away: 1.5% of 200
    venues = pd.DataFrame({"date": "1970-01-01", "coin": "BTC", "venue": "okx", "time": t, "close": 100.0})
    (outcome,) = check_cross_venue(hl, venues, ["1970-01-01"], ["BTC"], {})
    assert not outcome.passed and outcome.metadata["flagged_minutes"] == 3
    assert [e["time"] for e in outcome.metadata["flagged_examples"]] == [
        "1970-01-01T00:10:00Z",
        "1970-01-01T00:11:00Z",
        "1970-01-01T00:12:00Z",
    ]
    (fine,) = check_cross_venue(hl.assign(close=100.0), venues, ["1970-01-01"], ["BTC"], {})
    assert fine.passed and fine.metadata["compared_minutes"] == 200

"""Real runs of the venues job against the simulated venues on loopback (unmodified ccxt classes),
beside Hyperliquid's market data, then the features and training set that read them."""

import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.lake.reader import read_range
from hl_pipeline.simulator.venues import truth
from hl_pipeline.steps.venue_checks import venue_candle_outcomes
from hl_pipeline.venues import fetch
from hl_pipeline.venues.clients import venue_client
from hl_pipeline.venues.datasets import candles
from hl_pipeline.venues.ingest import ingest_venues
from hl_pipeline.venues.markets import stored_markets
from hl_pipeline.venues.symbols import MappedMarket
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.lake.helpers import manifest_of, partition_of
from hl_pipeline_tests.pipeline.conftest import run_range

DAY = "2024-02-29"
VENUES = ("binanceusdm", "bybit", "okx", "coinbaseexchange")


@pytest.fixture
def venue_runs(pipeline_env, instance):
    defs = load_definitions()
    market = defs.resolve_job_def("market_job").execute_in_process(instance=instance, partition_key=DAY)
    job = defs.resolve_job_def("venues_job")
    return pipeline_env, market, job.execute_in_process(instance=instance, partition_key=DAY), job


def test_every_simulated_venue_lands_beside_hyperliquid_and_is_cross_checked(venue_runs, sim_config):
    lake, market, venues, _ = venue_runs
    assert market.success and venues.success
    btc = partition_of(lake, "venue_candles", DAY, "BTC").to_pandas()
    assert btc.groupby("venue").size().to_dict() == dict.fromkeys(VENUES, 1440)
    assert set(btc.symbol) == {"BTC/USDT:USDT", "BTC/USD"}
    assert manifest_of(lake, "venue_candles", DAY, "ETH").gaps == []
    funding = partition_of(lake, "venue_funding", DAY, "BTC").to_pandas()
    assert sorted(funding.venue.unique()) == ["binanceusdm", "bybit", "okx"] and set(
        funding.interval_hours
    ) == {8.0}
    spot = manifest_of(lake, "venue_funding", DAY, "BTC").unavailable
    assert [u["venue"] for u in spot] == ["coinbaseexchange"]  # spot: no funding, recorded
    oi = partition_of(lake, "venue_open_interest", DAY, "BTC").to_pandas()
    assert oi.groupby("venue").size().to_dict() == {"binanceusdm": 24, "bybit": 24, "okx": 24}
    assert oi.open_interest.notna().all()  # okx's USD values priced at its hourly open
    evaluations = {e.check_name: e for e in venues.get_asset_check_evaluations()}
    cross = evaluations["venue_candles_cross_venue"]
    assert cross.passed and cross.metadata["compared_minutes"].value == 2 * 1440
    per_venue = cross.metadata["coins"].value["BTC"]
    for venue, known in truth(sim_config).items():  # Hyperliquid's close over the venue's: minus its basis
        assert per_venue[f"{venue}_dev_bps_mean"] == pytest.approx(-known["basis_bps"], abs=0.6), venue
    assert evaluations["venue_candles_valid"].passed and evaluations["venue_funding_valid"].passed
    assert cross.metadata["coins"].value["BTC"]["unavailable"] == []


def test_a_rerun_rewrites_the_same_partitions(venue_runs, instance):
    lake, _, _, job = venue_runs
    datasets = ("venue_markets", "venue_candles", "venue_funding", "venue_open_interest")
    before = {ds: manifest_of(lake, ds, DAY, "BTC").content_hash for ds in datasets}
    assert job.execute_in_process(instance=instance, partition_key=DAY).success
    assert {ds: manifest_of(lake, ds, DAY, "BTC").content_hash for ds in datasets} == before


def test_a_venue_down_is_a_recorded_gap_and_a_refused_symbol_writes_nothing_for_it(
    venue_runs, simulator, monkeypatch
):
    lake, *_ = venue_runs
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.0)
    down = venue_client("bybit", "http://127.0.0.1:9", timeout_ms=500)  # nothing listens on port 9
    okx = venue_client("okx", simulator.base_url)
    markets = stored_markets(lake, [DAY], ["BTC", "ETH"])
    refused = [
        MappedMarket("ETH", "okx", "NOPE/USDT:USDT", "NOPE-USDT-SWAP", "NOPE", "USDT", "swap", 1.0, 1.0)
        if (m.coin, m.venue) == ("ETH", "okx")
        else m
        for m in markets
    ]
    okx.load_markets()
    okx.markets["NOPE/USDT:USDT"] = {
        **okx.market("ETH/USDT:USDT"),
        "id": "NOPE-USDT-SWAP",
        "symbol": "NOPE/USDT:USDT",
    }
    ingest_venues(
        lake,
        "venue_candles",
        {"bybit": down, "okx": okx},
        refused,
        ["BTC", "ETH"],
        [DAY],
        TEST_NOW_MS,
        candles,
    )
    btc, eth = (partition_of(lake, "venue_candles", DAY, c).to_pandas() for c in ("BTC", "ETH"))
    assert set(btc.venue) == {"okx"} and len(btc) == 1440 and eth.empty
    (gone,) = manifest_of(lake, "venue_candles", DAY, "BTC").unavailable
    assert gone["venue"] == "bybit" and gone["reason"].startswith("down:")
    reasons = {u["venue"]: u["reason"] for u in manifest_of(lake, "venue_candles", DAY, "ETH").unavailable}
    assert reasons["okx"].startswith("refused:") and "NOPE" in reasons["okx"]
    outcomes = {o.check: o for o in venue_candle_outcomes(lake, [DAY], ["BTC", "ETH"])}
    cross = outcomes["venue_candles_cross_venue"]
    assert cross.passed and cross.metadata["coins"]["ETH"]["compared_minutes"] == 0  # a gap, not a failure
    assert cross.metadata["coins"]["BTC"]["unavailable"][0]["venue"] == "bybit"


def test_venue_features_reach_the_training_set(venue_runs, instance, monkeypatch):
    lake, _, _, _ = venue_runs
    monkeypatch.setenv("HL_TRAINING_DAYS", "1")
    monkeypatch.setenv("HL_FOLDS", "2")
    defs = load_definitions()
    assert run_range(defs.resolve_job_def("ml_data_job"), instance, DAY, DAY).success
    features = read_range(lake, "features", [DAY], ["BTC"]).to_pandas()
    assert features["venue_basis_bps"].notna().mean() > 0.95 and not features["venues_missing"].all()
    assert not features["venue_oi_missing"].any()  # Hyperliquid's own may be (a past day's universe)
    either = features["oi_missing"] | features["venue_oi_missing"]
    assert features["oi_share"].isna().equals(either)  # missing is NaN, never 0
    assert features["funding_spread_hourly"].notna().mean() > 0.9
    names = manifest_of(lake, "training_set", DAY).details["features"]
    assert {"venue_basis_bps", "venue_lead_lag_5", "funding_spread_hourly", "oi_share"} <= set(names)


def test_each_day_carries_its_spread_plots(venue_runs, instance):
    import dagster as dg

    (record,) = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("venue_funding"), asset_partitions=[DAY]), limit=1
    ).records
    metadata = record.asset_materialization.metadata
    assert {"spread_BTC", "spread_ETH"} <= set(metadata)
    assert metadata["spread_BTC"].value.startswith("![BTC](data:image/png;base64,")


def test_today_s_open_interest_includes_the_hour_under_way(pipeline_env, simulator):
    from hl_pipeline.venues.datasets import open_interest
    from hl_pipeline.venues.markets import snapshot_markets

    today = "2024-03-01"  # the clock is frozen at 12:30
    clients = {v: venue_client(v, simulator.base_url) for v in ("bybit", "binanceusdm", "okx")}
    snapshot_markets(pipeline_env, clients, ["BTC"], [today], TEST_NOW_MS)
    markets = stored_markets(pipeline_env, [today], ["BTC"])
    ingest_venues(
        pipeline_env, "venue_open_interest", clients, markets, ["BTC"], [today], TEST_NOW_MS, open_interest
    )
    rows = partition_of(pipeline_env, "venue_open_interest", today, "BTC").to_pandas()
    assert rows.groupby("venue").size().to_dict() == dict.fromkeys(clients, 13)  # 00:00 .. 12:00
    assert manifest_of(pipeline_env, "venue_open_interest", today, "BTC").gaps == []

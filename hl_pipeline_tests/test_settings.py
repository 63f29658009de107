"""One settings object: defaults, every bad value named with its variable, immutability."""

import dataclasses

import pytest

from hl_pipeline.errors import ConfigError
from hl_pipeline.settings import (
    Settings,
    clock_ms,
    parse_as_of,
    parse_coins,
    parse_date,
    parse_intervals,
    parse_market_coins,
)


def test_defaults_parse_from_an_empty_environment():
    s = Settings.from_env({})
    assert s == Settings()
    assert s.coins == ("BTC", "ETH", "SOL", "BNB", "ARB") and "1m" in s.native_intervals
    assert s.label_horizons == (5, 15, 60) and s.model_targets[:3] == ("BTC_5m", "BTC_15m", "BTC_60m")
    assert len(s.model_targets) == 15 and s.as_of_ms is None


def test_lists_are_parsed_into_tuples_once():
    s = Settings.from_env(
        {"HL_COINS": " BTC , kPEPE ", "HL_LABEL_HORIZONS": "15", "HL_NATIVE_INTERVALS": "1m,1h"}
    )
    assert s.coins == ("BTC", "kPEPE") and s.native_intervals == ("1m", "1h") and s.label_horizons == (15,)
    assert s.model_targets == ("BTC_15m", "kPEPE_15m")


def test_settings_are_immutable():
    s = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.coins = ("ETH",)  # type: ignore[misc]


@pytest.mark.parametrize(
    "call, bad",
    [
        (lambda: parse_coins("BTC,,ETH"), "BTC,,ETH"),
        (lambda: parse_coins("BTC,BTC"), "BTC,BTC"),
        (lambda: parse_coins("BTC;ETH"), "BTC;ETH"),
        (lambda: parse_intervals("1m,2m"), "2m"),
        (lambda: parse_date("2024-13-01"), "2024-13-01"),
        (lambda: parse_date("20241120"), "20241120"),
        (lambda: parse_as_of("2999-01-01T00:00:00Z"), "2999-01-01T00:00:00Z"),
        (lambda: parse_as_of("yesterday"), "yesterday"),
    ],
)
def test_malformed_values_are_named(call, bad):
    with pytest.raises(ConfigError, match=bad.replace("$", r"\$")):
        call()


def test_as_of_freezes_the_clock():
    assert clock_ms(parse_as_of("2024-03-01T12:30:00Z")) == 1_709_296_200_000
    assert Settings.from_env({"HL_AS_OF": "2024-03-01T12:30:00"}).now_ms() == 1_709_296_200_000
    assert Settings.from_env({"HL_AS_OF": "2024-03-01T12:30:00Z"}).today() == "2024-03-01"


BAD_VALUES = [
    ("HL_COINS", "BTC,,ETH"),
    ("HL_COINS", "BTC;ETH"),
    ("HL_COINS", "BTC,PURR/USDC"),  # a spot pair belongs in HL_SPOT_COINS
    ("HL_SPOT_COINS", "PURR/USDC,PURR-USDC"),  # the lake key, not the exchange's name
    ("HL_SPOT_COINS", "@1,BTC"),
    ("HL_NATIVE_INTERVALS", "1m,7m"),
    ("HL_NATIVE_INTERVALS", "1d"),  # the resampled intervals need 1m
    ("HL_RESAMPLED_INTERVALS", "5m,9m"),
    ("HL_START_DATE", "2024-02-31"),
    ("HL_START_DATE", "20241120"),
    ("HL_AS_OF", "2999-01-01T00:00:00Z"),
    ("HL_AS_OF", "soon"),
    ("HL_RATE_LIMIT", "maybe"),
    ("HL_RATE_LIMIT", "-1"),
    ("HL_RETAINED_CANDLES", "lots"),
    ("HL_HEARTBEAT_MAX_AGE", "-3"),
    ("HL_FEATURE_BAR", "3m"),
    ("HL_LABEL_HORIZONS", "5,x"),
    ("HL_LABEL_HORIZONS", "5,5"),
    ("HL_TRAINING_DAYS", "0"),
    ("HL_FOLDS", "1"),
    ("HL_MODEL_TARGETS", "BTC_15m,DOGE_15m"),
    ("HL_XGB_TREES", "many"),
    ("HL_XGB_DEPTH", "0"),
    ("HL_XGB_LEARNING_RATE", "2"),
    ("HL_GATE_FLOOR", "1.5"),
    ("HL_GATE_ALPHA", "0"),
    ("HL_GATE_CORRECTION", "bonferroni"),
    ("HL_MIN_EDGE", "2"),
    ("HL_LATENCY_BARS", "-1"),
    ("HL_TAKER_FEE_BPS", "-1"),
    ("HL_CAPITAL_USD", "x"),
    ("HL_VENUES", "binanceusdm,notavenue"),
    ("HL_VENUES", "bybit,,okx"),
    ("HL_VENUES", "okx,kraken"),  # a ccxt venue the simulator at HL_API_URL does not serve
    ("HL_MLFLOW_URI", "mongodb://127.0.0.1/mlflow"),
    ("HL_MLFLOW_ARTIFACTS", "relative/folder"),
    ("HL_MLFLOW_ARTIFACTS", "s3://Not_A_Bucket"),
]


@pytest.mark.parametrize("name, value", BAD_VALUES)
def test_every_bad_variable_is_rejected_naming_it_and_its_value(name, value):
    with pytest.raises(ConfigError) as info:
        Settings.from_env({"HL_COINS": "BTC,ETH", name: value} if name != "HL_COINS" else {name: value})
    assert name in str(info.value) and value.split(",")[-1] in str(info.value)


def test_model_targets_default_to_every_coin_and_horizon_and_follow_the_coins():
    s = Settings.from_env({"HL_COINS": "BTC,ETH", "HL_LABEL_HORIZONS": "5,15"})
    assert s.model_targets == ("BTC_5m", "BTC_15m", "ETH_5m", "ETH_15m")
    assert s.with_coins(("ETH",)).model_targets == ("ETH_5m", "ETH_15m")
    chosen = Settings.from_env(
        {"HL_COINS": "BTC,ETH", "HL_LABEL_HORIZONS": "5,15", "HL_MODEL_TARGETS": "ETH_15m"}
    )
    assert chosen.model_targets == ("ETH_15m",)


def test_blank_values_mean_the_default():
    assert Settings.from_env({"HL_TRAINING_DAYS": "", "HL_AS_OF": " ", "HL_MODEL_TARGETS": ""}) == Settings()


@pytest.mark.parametrize(
    "name", ["HL_COINS", "HL_NATIVE_INTERVALS", "HL_RESAMPLED_INTERVALS", "HL_LABEL_HORIZONS", "HL_VENUES"]
)
def test_a_list_set_to_blank_is_refused_not_taken_for_the_default(name):
    with pytest.raises(ConfigError, match=f"{name} is set but blank"):
        Settings.from_env({name: "  "})


def test_venues_default_to_the_simulated_ones_and_to_none_against_mainnet():
    assert Settings.from_env({}).venues == ("binanceusdm", "bybit", "okx", "coinbaseexchange")
    assert Settings.from_env({"HL_API_URL": "mainnet"}).venues == ()
    assert Settings.from_env({"HL_VENUES": "none"}).venues == ()
    assert Settings.from_env({"HL_VENUES": " okx , bybit "}).venues == ("okx", "bybit")
    assert Settings.from_env({"HL_API_URL": "mainnet", "HL_VENUES": "okx,kraken"}).venues == ("okx", "kraken")


def test_spot_coins_are_parsed_beside_the_perps():
    assert Settings.from_env({}).spot_coins == ()
    assert Settings.from_env({"HL_SPOT_COINS": " PURR/USDC , @107 "}).spot_coins == ("PURR/USDC", "@107")
    assert Settings.from_env({"HL_SPOT_COINS": "none"}).spot_coins == ()


@pytest.mark.parametrize("value", ["PURR/USDC,BTC", "@1,@1", "PURR-USDC", "@1;@2", "@x"])
def test_a_bad_spot_coin_is_refused_naming_it(value):
    with pytest.raises(ConfigError) as info:
        Settings.from_env({"HL_SPOT_COINS": value})
    assert "HL_SPOT_COINS" in str(info.value) and value.split(",")[-1] in str(info.value)


def test_a_spot_pair_among_the_perps_points_to_its_setting():
    with pytest.raises(ConfigError, match=r"'PURR/USDC'.*HL_SPOT_COINS"):
        Settings.from_env({"HL_COINS": "BTC,PURR/USDC"})


def test_the_collectors_coin_list_takes_perps_and_spot_pairs():
    assert parse_market_coins("BTC, PURR/USDC ,@107") == ("BTC", "PURR/USDC", "@107")
    for bad in ("BTC,PURR-USDC", "BTC,@x", "BTC,BTC"):
        with pytest.raises(ConfigError, match="--coins"):
            parse_market_coins(bad, "--coins")


def test_an_mlflow_store_is_taken_as_given_and_its_password_never_echoed():
    from hl_pipeline.registry.tracking import Tracking

    uri = "postgresql+psycopg2://hl:secret@db:5432/mlflow"
    settings = Settings.from_env({"HL_MLFLOW_URI": uri, "HL_MLFLOW_ARTIFACTS": "s3://mlflow/"})
    tracking = Tracking.of(settings)
    assert (tracking.tracking_uri, tracking.artifacts) == (uri, "s3://mlflow")
    assert Tracking.of(Settings.from_env({})).tracking_uri.startswith("sqlite:///")
    for bad in ("postgresql://hl:secret@db:5432/mlflow", "mongodb://hl:secret@db/mlflow"):
        with pytest.raises(ConfigError, match="HL_MLFLOW_URI") as info:
            Settings.from_env({"HL_MLFLOW_URI": bad})
        assert "secret" not in str(info.value) and "hl:***@db" in str(info.value)

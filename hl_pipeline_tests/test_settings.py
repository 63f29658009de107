import pytest

from hl_pipeline import settings


def test_defaults_parse():
    assert settings.parse_coins(settings.DEFAULT_COINS) == ["BTC", "ETH", "SOL", "BNB", "ARB"]
    assert "1m" in settings.parse_intervals(settings.DEFAULT_NATIVE_INTERVALS)


@pytest.mark.parametrize(
    "call, bad",
    [
        (lambda: settings.parse_coins("BTC,,ETH"), "BTC,,ETH"),
        (lambda: settings.parse_coins("BTC,BTC"), "BTC,BTC"),
        (lambda: settings.parse_coins("BTC;ETH"), "BTC;ETH"),
        (lambda: settings.parse_intervals("1m,2m"), "2m"),
        (lambda: settings.parse_date("2024-13-01"), "2024-13-01"),
        (lambda: settings.parse_as_of("yesterday"), "yesterday"),
    ],
)
def test_malformed_values_are_named(call, bad):
    with pytest.raises(ValueError, match=bad.replace("$", r"\$")):
        call()


def test_as_of_freezes_the_clock():
    assert settings.now_ms("2024-03-01T12:30:00Z") == 1_709_296_200_000
    assert settings.now_ms("2024-03-01T12:30:00") == 1_709_296_200_000


def test_malformed_retention_setting_is_named(monkeypatch):
    monkeypatch.setenv("HL_RETAINED_CANDLES", "lots")
    with pytest.raises(ValueError, match="lots"):
        settings.api_config()


@pytest.mark.parametrize(
    "name, value, call",
    [
        ("HL_FEATURE_BAR", "3m", settings.ml_config),
        ("HL_LABEL_HORIZONS", "5,x", settings.ml_config),
        ("HL_TRAINING_DAYS", "0", settings.ml_config),
        ("HL_GATE_FLOOR", "1.5", settings.models_config),
        ("HL_HEARTBEAT_MAX_AGE", "-3", settings.order_flow_config),
        ("HL_MODEL_TARGETS", "BTC_15m,DOGE_15m", lambda: settings.model_targets("BTC,ETH", "5,15")),
    ],
)
def test_malformed_environment_settings_are_named(monkeypatch, name, value, call):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name}|{value.split(',')[-1]}"):
        call()


def test_model_targets_default_to_every_coin_and_horizon(monkeypatch):
    monkeypatch.delenv("HL_MODEL_TARGETS", raising=False)
    assert settings.model_targets("BTC,ETH", "5,15") == ["BTC_5m", "BTC_15m", "ETH_5m", "ETH_15m"]

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

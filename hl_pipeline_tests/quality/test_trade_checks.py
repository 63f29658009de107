"""Trade checks: planted faults are caught, and prices are cross-checked with the 1m candles."""

import pytest

from hl_pipeline.quality.trade_checks import check_trades
from hl_pipeline_tests.quality.conftest import by_check, failed
from hl_pipeline_tests.quality.order_flow_frames import DATE, candles_for, trades


def test_clean_trades_inside_their_candles_pass():
    df = trades()
    assert failed(check_trades(df, [DATE], candles_for(df))) == set()


@pytest.mark.parametrize(
    "column, value, check",
    [
        ("sz", 0.0, "trades_valid_values"),
        ("side", "X", "trades_valid_values"),
        ("seller", "0xNOTANADDRESS", "trades_valid_values"),
        (
            "seller",
            "0x" + "0" * 39 + "8",
            "trades_valid_values",
        ),  # the buyer's address: a wallet trading with itself
    ],
)
def test_a_planted_bad_value_fails_valid_values(column, value, check):
    df = trades()
    candles = candles_for(df)
    df.loc[7, column] = value
    outcomes = check_trades(df, [DATE], candles)
    assert failed(outcomes) == {(check, DATE)}
    assert by_check(outcomes, check)[DATE].metadata["unexpected_rows"] == 1


def test_a_trade_landed_twice_fails_unique():
    df = trades()
    twice = df.loc[[*range(10), 9, *range(10, len(df))]].reset_index(drop=True)
    assert failed(check_trades(twice, [DATE], candles_for(df))) == {("trades_unique", DATE)}


def test_a_price_outside_its_minute_candle_fails_the_cross_check():
    df = trades()
    candles = candles_for(df)
    df.loc[12, "px"] = 150.0
    outcome = by_check(check_trades(df, [DATE], candles), "trades_inside_candle_range")[DATE]
    assert not outcome.passed and outcome.metadata["unexpected_rows"] == 1


def test_trades_without_a_candle_are_counted_not_judged():
    df = trades()
    candles = candles_for(df).iloc[1:]  # the first minute's candle is missing
    outcome = by_check(check_trades(df, [DATE], candles), "trades_inside_candle_range")[DATE]
    first_minute = int((df["time"].dt.floor("min") == df["time"].dt.floor("min").iloc[0]).sum())
    assert outcome.passed and outcome.metadata["trades_without_candle"] == first_minute

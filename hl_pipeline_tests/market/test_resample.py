import numpy as np
import pytest

from hl_pipeline.market.resample import resample
from hl_pipeline_tests.lake.helpers import DAY0_MS, candles_1m


def test_hourly_bars_aggregate_their_minutes():
    one = candles_1m(120)
    hourly = resample(one, "1h")
    assert hourly.num_rows == 2
    first = hourly.slice(0, 1).to_pylist()[0]
    assert first["open"] == 100.0 and first["close"] == 159.5
    assert first["high"] == 161.0 and first["low"] == 99.0
    assert first["volume"] == pytest.approx(90.0) and first["trades"] == 180
    assert first["source"] == "resampled" and first["interval"] == "1h"
    assert first["close_time"].timestamp() * 1000 == DAY0_MS + 3_600_000 - 1


def test_a_bar_with_a_missing_minute_is_left_out_not_filled():
    hourly = resample(candles_1m(120, skip=(70,)), "1h")
    assert [t.timestamp() * 1000 for t in hourly.column("time").to_pylist()] == [DAY0_MS]


def test_weekly_bars_open_on_monday():
    monday = DAY0_MS  # 2024-01-01 was a Monday
    week = candles_1m(7 * 1440, start_ms=monday)
    bars = resample(week, "1w")
    assert bars.num_rows == 1 and bars.column("time")[0].as_py().weekday() == 0


@pytest.mark.parametrize("bad", ["1m", "1M", "2m"])
def test_unsupported_targets_are_named(bad):
    with pytest.raises(ValueError, match=bad):
        resample(candles_1m(5), bad)


def test_resampled_partial_window_is_consistent_with_full():
    one = candles_1m(1440)
    full = resample(one, "15m")
    part = resample(one.slice(0, 720), "15m")
    assert np.array_equal(
        full.slice(0, part.num_rows).column("close").to_numpy(), part.column("close").to_numpy()
    )

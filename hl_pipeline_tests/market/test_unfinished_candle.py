"""The bar still in progress is never stored as final: it is left out, recorded as pending (not as
a gap), and written with its final values by the first run after it closes (issue 11, item 7).

The simulator, like the exchange, serves the bar in progress with the values so far."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.intervals import HOUR_MS, INTERVAL_MS, MINUTE_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.market.candles import ingest_candles
from hl_pipeline.market.coverage import closed_end
from hl_pipeline.quality.completeness import completeness_outcomes
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline_tests.lake.helpers import partition_of

DATE = "2024-03-01"
DAY_START = day_start_ms(DATE)
NATIVE, RESAMPLED = ["1m", "1h", "1d"], ["5m", "1h"]
BEFORE_THE_HOUR = DAY_START + 12 * HOUR_MS + 59 * MINUTE_MS + 30_000  # 12:59:30: 1m, 1h, 1d open
AFTER_THE_HOUR = DAY_START + 13 * HOUR_MS + 10_000  # 13:00:10: the 12:00 hour has closed
AFTER_MIDNIGHT = DAY_START + 24 * HOUR_MS + 5_000  # the next day: the 1d bar has closed


@pytest.fixture
def sim_config() -> SimulatorConfig:
    return SimulatorConfig(seed=7, now_ms=BEFORE_THE_HOUR)


def _ingest(simulator, root, now_ms: int):
    simulator.config.now_ms = now_ms  # the live config: the simulator's clock moves on
    (manifest,) = ingest_candles(
        InfoClient(simulator.base_url), root, "BTC", [DATE], now_ms, NATIVE, RESAMPLED
    )
    return manifest, partition_of(root, "candles", DATE, "BTC")


def _rows(table: pa.Table, interval: str, source: str) -> dict[int, dict]:
    """open time (ms) -> prices and volume of one series of the partition."""
    part = table.filter(pc.and_(pc.equal(table["interval"], interval), pc.equal(table["source"], source)))
    values = part.select(["open", "high", "low", "close", "volume"]).to_pylist()
    return dict(zip(_open_ms(part).tolist(), values))


def _open_ms(table: pa.Table) -> np.ndarray:
    return table["time"].cast(pa.int64()).to_numpy()


def _not_closed_by(table: pa.Table, now_ms: int) -> int:
    """Rows whose bar closes after `now` (open + interval > now)."""
    step = np.array([INTERVAL_MS[i] for i in table["interval"].to_pylist()], dtype=np.int64)
    return int(np.sum(_open_ms(table) + step > now_ms))


def _completeness(manifest, table: pa.Table):
    def present(coin: str, interval: str, source: str) -> np.ndarray:
        return np.array(sorted(_rows(table, interval, source)), dtype=np.int64)

    (outcome,) = completeness_outcomes(
        "candles_complete", {DATE: {"BTC": manifest.coverage}}, [DATE], present
    )
    return outcome


def test_closed_end_is_the_open_of_the_bar_in_progress():
    assert closed_end("1m", BEFORE_THE_HOUR, BEFORE_THE_HOUR) == BEFORE_THE_HOUR - 30_000  # 12:59
    assert closed_end("1h", AFTER_MIDNIGHT, BEFORE_THE_HOUR) == DAY_START + 12 * HOUR_MS
    assert closed_end("1d", AFTER_MIDNIGHT, BEFORE_THE_HOUR) == DAY_START
    assert closed_end("1m", DAY_START + HOUR_MS, AFTER_MIDNIGHT) == DAY_START + HOUR_MS  # past: all closed
    on_the_minute = DAY_START + 12 * HOUR_MS  # a bar opening exactly now has not been served yet
    assert closed_end("1m", on_the_minute, on_the_minute) == on_the_minute


def test_the_bar_in_progress_is_left_out_and_pending_not_missing(simulator, tmp_path):
    served = InfoClient(simulator.base_url).candles("BTC", "1d", DAY_START, BEFORE_THE_HOUR)
    assert served.num_rows == 1  # the exchange serves today's unfinished daily bar
    manifest, table = _ingest(simulator, tmp_path, BEFORE_THE_HOUR)

    assert _not_closed_by(table, BEFORE_THE_HOUR) == 0
    assert max(_rows(table, "1m", "api")) == BEFORE_THE_HOUR - 30_000 - MINUTE_MS  # 12:58
    assert max(_rows(table, "1h", "api")) == DAY_START + 11 * HOUR_MS
    assert max(_rows(table, "1h", "resampled")) == DAY_START + 11 * HOUR_MS  # not built from 12:59 so far
    assert _rows(table, "1d", "api") == {}

    cov = manifest.coverage
    assert cov["1m/api"]["expected_bars"] == cov["1m/api"]["present_bars"] == 12 * 60 + 59
    assert cov["1m/api"]["pending"] == {"open": "2024-03-01T12:59:00Z", "close": "2024-03-01T13:00:00Z"}
    assert cov["1h/api"]["pending"] == {"open": "2024-03-01T12:00:00Z", "close": "2024-03-01T13:00:00Z"}
    assert cov["1d/api"]["pending"] == {"open": "2024-03-01T00:00:00Z", "close": "2024-03-02T00:00:00Z"}
    assert cov["1d/api"]["status"] == "partial" and cov["1d/api"]["expected_bars"] == 0
    assert "not final until 2024-03-02T00:00:00Z" in cov["1d/api"]["reason"]
    assert manifest.gaps == [] and manifest.unavailable == []

    outcome = _completeness(manifest, table)  # the data check recomputes expectations from coverage
    assert outcome.passed and outcome.metadata["missing_bars"] == 0, outcome.description


def test_the_first_run_after_the_close_writes_the_final_bar(simulator, tmp_path):
    unfinished_day = InfoClient(simulator.base_url).candles("BTC", "1d", DAY_START, BEFORE_THE_HOUR)
    _ingest(simulator, tmp_path, BEFORE_THE_HOUR)

    manifest, table = _ingest(simulator, tmp_path, AFTER_THE_HOUR)
    noon = DAY_START + 12 * HOUR_MS
    assert _not_closed_by(table, AFTER_THE_HOUR) == 0
    assert noon + 59 * MINUTE_MS in _rows(table, "1m", "api")
    native, resampled = _rows(table, "1h", "api")[noon], _rows(table, "1h", "resampled")[noon]
    assert native == pytest.approx(resampled)  # the exchange's final hour is its 60 final minutes
    assert manifest.coverage["1h/api"]["pending"]["open"] == "2024-03-01T13:00:00Z"
    assert _completeness(manifest, table).passed

    again, table_again = _ingest(simulator, tmp_path, AFTER_THE_HOUR)
    assert again.content_hash == manifest.content_hash  # idempotent: the same rows
    assert table_again.drop_columns(["ingest_time"]).equals(table.drop_columns(["ingest_time"]))

    manifest, table = _ingest(simulator, tmp_path, AFTER_MIDNIGHT)  # the schedule's finalizing run
    assert _not_closed_by(table, AFTER_MIDNIGHT) == 0
    minutes = _rows(table, "1m", "api")
    assert len(minutes) == 1440
    day = _rows(table, "1d", "api")[DAY_START]
    first, last = minutes[DAY_START], minutes[DAY_START + 1439 * MINUTE_MS]
    assert day["open"] == first["open"] and day["close"] == last["close"]
    assert day["high"] == max(m["high"] for m in minutes.values())
    assert day["volume"] == pytest.approx(sum(m["volume"] for m in minutes.values()), rel=1e-9)
    served_early = unfinished_day.to_pylist()[0]  # what the exchange served at 12:59:30
    assert day["volume"] > 1.5 * served_early["volume"] and day["close"] != served_early["close"]
    cov = manifest.coverage
    assert all("pending" not in span for span in cov.values())
    assert cov["1d/api"]["status"] == "complete" and cov["1d/api"]["expected_bars"] == 1
    assert manifest.gaps == [] and _completeness(manifest, table).passed

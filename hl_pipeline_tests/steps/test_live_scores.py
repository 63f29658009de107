"""Live truth on a synthetic lake and a real MLflow store: a working champion holds up, a flipped
one decays, a shifted feature drifts, unknown labels wait (one store per module: training is slow)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_partition, read_range
from hl_pipeline.lake.schemas import LIVE_SCORES, describe
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.ml.drift import PSI_MAJOR, level
from hl_pipeline.ml.models.config import TradingConfig
from hl_pipeline.steps.live_scores import TRAILING_DAYS, holding_up, pooled_sharpe, score_day, score_days
from hl_pipeline_tests.steps.live_lake import KEY, LIVE, champion, market, write_day

TRADING = TradingConfig()
PER_YEAR = np.sqrt(365 * 1440)


@pytest.fixture(scope="module")
def data():
    return market()


@pytest.fixture(scope="module")
def tracking(tmp_path_factory, data):
    return champion(tmp_path_factory.mktemp("mlflow"), data)


def _scores(lake, dates=LIVE) -> pd.DataFrame:
    return read_range(lake, "live_scores", dates, with_date=True).to_pandas().set_index("date")


def test_a_champion_that_keeps_working_holds_up(tmp_path, tracking, data):
    for date in LIVE:
        write_day(tmp_path, tracking, data, date)
    score_days(tmp_path, tracking, [KEY], reversed(LIVE), TRADING)  # scored oldest first whatever the order
    rows = _scores(tmp_path)
    assert list(rows.index) == list(LIVE) and set(rows["target"]) == {KEY.key}
    assert (
        (rows["model_version"] == "1").all() and (rows["bars"] == 1440).all() and (rows["pending"] == 0).all()
    )
    assert (rows["accuracy"] > 0.6).all() and (rows["ic"] > 0.3).all() and (rows["net_return"] > 0).all()
    lcb = (
        tracking.client()
        .get_run(tracking.client().get_model_version(KEY.model_name, "1").run_id)
        .data.metrics["oos_net_sharpe_lcb"]
    )
    assert (rows["champion_lcb"] == lcb).all() and lcb > 0
    assert (rows["trailing_sharpe"] > lcb).all() and not rows["decayed"].any()
    assert (rows["max_psi"] < PSI_MAJOR).all() and (rows["drifted"] == "").all()
    assert all(holding_up(tmp_path, d).passed for d in LIVE)
    # the first day's trailing window is the day itself; the last pools all three
    assert rows["trailing_sharpe"].iloc[0] == pytest.approx(rows["net_sharpe"].iloc[0])
    assert rows["trailing_sharpe"].iloc[-1] == pytest.approx(
        pooled_sharpe(rows["net_bars"], rows["net_mean"], rows["net_sd"], TRADING.bar_ms)
    )


def test_flipped_predictions_decay_below_the_lower_bound_and_fail_the_check(tmp_path, tracking, data):
    write_day(tmp_path, tracking, data, LIVE[0])
    for date in LIVE[1:]:
        write_day(tmp_path, tracking, data, date, flip=True)
    score_days(tmp_path, tracking, [KEY], LIVE, TRADING)
    rows = _scores(tmp_path)
    assert rows["decayed"].tolist() == [False, True, True]
    assert rows["net_sharpe"].iloc[0] > 0 > rows["net_sharpe"].iloc[1]
    assert (rows["accuracy"].iloc[1:] < 0.45).all() and (rows["ic"].iloc[1:] < 0).all()
    assert rows["trailing_sharpe"].iloc[2] < 0 < rows["champion_lcb"].iloc[2]
    assert (rows["max_psi"] < PSI_MAJOR).all()  # the same market: it is the model, not the data
    ok, bad = holding_up(tmp_path, LIVE[0]), holding_up(tmp_path, LIVE[2])
    assert ok.passed and not bad.passed and bad.severity == "WARN"
    assert bad.description.startswith(f"{KEY.key} v1: decayed (trailing net Sharpe -")
    (failing,) = bad.metadata["failing"]
    assert failing["decayed"] and failing["trailing_sharpe"] == pytest.approx(rows["trailing_sharpe"].iloc[2])


def test_a_shifted_feature_is_major_drift(tmp_path, tracking, data):
    write_day(tmp_path, tracking, data, LIVE[0], shift="macd")
    score_day(tmp_path, tracking, [KEY], LIVE[0], TRADING)
    (row,) = _table(read_partition(tmp_path, "live_scores", LIVE[0])).to_pylist()
    assert row["drifted"] == "macd" and level(row["max_psi"]) == "major", row["max_psi"]
    outcome = holding_up(tmp_path, LIVE[0])
    assert outcome.passed and "drifted macd" in outcome.description  # named, but only decay fails it


def test_unknown_labels_are_pending_and_left_out_of_every_score(tmp_path, tracking, data):
    waiting, cut = tmp_path / "waiting", tmp_path / "cut"
    write_day(waiting, tracking, data, LIVE[0], unknown=300)
    write_day(cut, tracking, data, LIVE[0], served=1440 - 300)  # the same day served only until then
    for lake in (waiting, cut):
        score_day(lake, tracking, [KEY], LIVE[0], TRADING)
    (w,) = _table(read_partition(waiting, "live_scores", LIVE[0])).to_pylist()
    (c,) = _table(read_partition(cut, "live_scores", LIVE[0])).to_pylist()
    assert (w["bars"], w["pending"], c["bars"], c["pending"]) == (1140, 300, 1140, 0)
    for name in ("labelled", "accuracy", "ic", "net_return", "net_sharpe", "net_bars"):
        assert w[name] == pytest.approx(c[name]), name


def _table(table: pa.Table | None) -> pa.Table:
    assert table is not None
    return table


def _stored(lake, date: str, version: str, mean: float) -> None:
    """A live_scores row of an earlier day: 1440 bars of net return `mean` (deviation 1e-3)."""
    row: dict[str, Any] = {name: None for name in LIVE_SCORES.names}
    row |= {
        "time": pd.Timestamp(date, tz="UTC"), "target": KEY.key, "model_name": KEY.model_name,
        "model_version": version, "bars": 1440, "labelled": 1440, "pending": 0, "net_bars": 1440,
        "net_mean": mean, "net_sd": 1e-3, "drifted": "", "decayed": False,
    }  # fmt: skip
    table = pa.Table.from_pylist([row], schema=LIVE_SCORES)
    write_partition(lake, table, Manifest.for_table("live_scores", date, None, table, "test"))


def test_the_trailing_window_is_the_last_seven_days_the_same_version_served(tmp_path, tracking, data):
    day = "2025-01-09"
    write_day(tmp_path, tracking, data.assign(time=data["time"] + pd.Timedelta(days=4)), day)
    _stored(tmp_path, "2025-01-02", "1", 1.0)  # 7 days before: outside the window
    _stored(tmp_path, "2025-01-08", "0", 1.0)  # another version served it
    for date in ("2025-01-03", "2025-01-05"):
        _stored(tmp_path, date, "1", -2e-4)  # it lost money on two earlier days
    score_day(tmp_path, tracking, [KEY], day, TRADING)
    (row,) = _table(read_partition(tmp_path, "live_scores", day)).to_pylist()
    expected = pooled_sharpe([1440, 1440, row["net_bars"]], [-2e-4, -2e-4, row["net_mean"]],
                             [1e-3, 1e-3, row["net_sd"]], TRADING.bar_ms)  # fmt: skip
    assert row["trailing_sharpe"] == pytest.approx(expected)
    # a good day does not clear the week: decay is judged on the trailing Sharpe
    assert row["net_sharpe"] > row["champion_lcb"] > row["trailing_sharpe"] and row["decayed"]


def test_pooled_sharpe_is_the_sharpe_of_the_concatenated_bars():
    rng = np.random.default_rng(3)
    parts = [rng.normal(m, s, n) for m, s, n in ((1e-4, 1e-3, 500), (-2e-4, 3e-3, 40), (5e-5, 5e-4, 1))]
    every = np.concatenate(parts)
    direct = every.mean() / every.std(ddof=1) * PER_YEAR
    sd = [p.std(ddof=1) if len(p) > 1 else np.nan for p in parts]
    pooled = pooled_sharpe([len(p) for p in parts], [p.mean() for p in parts], sd, TRADING.bar_ms)
    assert pooled == pytest.approx(direct, rel=1e-9)
    assert np.isnan(pooled_sharpe([1], [1e-3], [np.nan], TRADING.bar_ms))
    assert pooled_sharpe([5], [0.0], [0.0], TRADING.bar_ms) == 0.0  # flat: no edge


def test_decay_is_judged_against_the_trailing_sharpes_own_uncertainty():
    from hl_pipeline.steps.live_scores import significantly_below

    # annualised 230 against a bound of 250: within noise on one day of 1m bars (standard error
    # about 19.5), not over a week (about 7.4)
    assert not significantly_below(230.0, 1440, 250.0, TRADING.bar_ms)
    assert significantly_below(230.0, 7 * 1440, 250.0, TRADING.bar_ms)
    assert significantly_below(-50.0, 1440, 250.0, TRADING.bar_ms)  # a flipped model, at once
    assert not significantly_below(float("nan"), 1440, 250.0, TRADING.bar_ms)


def test_the_schema_states_the_rule_the_step_applies():
    text = describe("live_scores")
    assert f"{TRAILING_DAYS} days" in text["trailing_sharpe"] and f"PSI >= {PSI_MAJOR}" in text["drifted"]

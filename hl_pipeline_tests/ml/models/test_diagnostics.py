"""Calibration, permutation importance and feature drift, each against a case whose answer is known."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.ml import drift
from hl_pipeline.ml.models import synthetic
from hl_pipeline.ml.models.candidates import build
from hl_pipeline.ml.models.diagnostics import brier_score, permutation_importance, reliability
from hl_pipeline.ml.models.plots import reliability_png
from hl_pipeline.ml.models.predictor import matrix
from hl_pipeline_tests.ml.models.conftest import FAST_XGB

FEATURES = [f"f{i}" for i in range(6)]

# -- calibration ------------------------------------------------------------------------------


def test_brier_score_of_known_forecasts():
    rng = np.random.default_rng(0)
    outcome = rng.random(10_000) < 0.5
    assert brier_score(np.full(outcome.size, 0.5), outcome) == pytest.approx(0.25)
    assert brier_score(outcome.astype(float), outcome) == 0.0
    assert brier_score(1.0 - outcome, outcome) == 1.0
    assert brier_score([0.8, 0.3, np.nan], [1, 0, 1]) == pytest.approx((0.04 + 0.09) / 2)
    assert np.isnan(brier_score([], []))


def test_a_calibrated_forecast_lies_on_the_diagonal_and_a_miscalibrated_one_does_not():
    rng = np.random.default_rng(1)
    p = rng.random(50_000)
    calibrated = reliability(p, rng.random(p.size) < p, bins=10)
    assert list(calibrated.columns) == ["bin", "mean_predicted", "observed_frequency", "count"]
    assert calibrated["bin"].tolist() == list(range(10)) and calibrated["count"].sum() == p.size
    se = np.sqrt(calibrated.mean_predicted * (1 - calibrated.mean_predicted) / calibrated["count"])
    assert (np.abs(calibrated.observed_frequency - calibrated.mean_predicted) < 4 * se).all()

    overconfident = reliability(p, rng.random(p.size) < 0.5 + 0.5 * (p - 0.5), bins=10)
    se = np.sqrt(0.25 / overconfident["count"])
    assert (np.abs(overconfident.observed_frequency - overconfident.mean_predicted) > 4 * se).sum() >= 6


def test_reliability_omits_empty_bins_and_keeps_one_in_the_last():
    table = reliability([0.05, 0.07, 0.61, 1.0, np.nan], [0, 1, 1, 1, 0], bins=10)
    assert table["bin"].tolist() == [0, 6, 9]
    assert table["count"].tolist() == [2, 1, 1]
    assert table["observed_frequency"].tolist() == [0.5, 1.0, 1.0]
    assert table["mean_predicted"].iloc[0] == pytest.approx(0.06)


def test_reliability_png_is_written(tmp_path):
    rng = np.random.default_rng(2)
    p = rng.random(2000)
    path = reliability_png(reliability(p, rng.random(p.size) < p), tmp_path / "rel.png", "BTC 15m")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    empty = reliability_png(reliability([], []), tmp_path / "empty.png", "nothing")
    assert empty.stat().st_size > 0


# -- permutation importance ------------------------------------------------------------------


@pytest.fixture(scope="module")
def planted():
    """A lightgbm fitted on a frame where f0 predicts the label, its out-of-sample rows, and one
    fitted on shuffled labels."""
    frame = synthetic.frame(bars=4000, coins=2, strength=0.3, seed=11)
    codes = (frame["dir_15m"].to_numpy() > 0).astype(np.int64)
    train = frame["time"] < synthetic.START + pd.Timedelta(minutes=3000)
    x = matrix(frame[train], FEATURES)
    real = build("lightgbm", FAST_XGB, 2).fit(x, codes[train])
    shuffled = np.random.default_rng(0).permutation(codes[train])
    null = build("lightgbm", FAST_XGB, 2).fit(x, shuffled)
    test = frame[~train].reset_index(drop=True)
    return real, null, test, codes[~train]


def _predictor(model):
    return lambda f: model.predict_proba(matrix(f, FEATURES))


@pytest.mark.parametrize("metric", ["log_loss", "accuracy"])
def test_a_planted_feature_matters_and_a_shuffled_label_model_relies_on_nothing(planted, metric):
    real, null, test, codes = planted
    imp = permutation_importance(_predictor(real), test, FEATURES, codes, n_repeats=3, metric=metric)
    assert list(imp.columns) == ["feature", "importance", "std"]
    assert imp["feature"].iloc[0] == "f0"
    f0 = imp.set_index("feature")["importance"]
    assert f0["f0"] > (0.02 if metric == "log_loss" else 0.05)
    assert (f0.drop("f0").abs() < f0["f0"] / 4).all()

    noise = permutation_importance(_predictor(null), test, FEATURES, codes, n_repeats=3, metric=metric)
    # 2000 overlapping-label rows: sampling noise of about 0.01 either way, an order below f0's drop
    assert (noise["importance"].abs() < (0.02 if metric == "log_loss" else 0.04)).all()


def test_permutation_importance_is_deterministic_given_the_seed(planted):
    real, _, test, codes = planted
    predict = _predictor(real)
    a = permutation_importance(predict, test, FEATURES, codes, seed=3)
    pd.testing.assert_frame_equal(a, permutation_importance(predict, test, FEATURES, codes, seed=3))
    b = permutation_importance(predict, test, FEATURES, codes, seed=4)
    assert not np.allclose(a.set_index("feature").sort_index(), b.set_index("feature").sort_index())
    assert a.attrs["baseline"] < 0  # minus the log loss


def test_permutation_stays_within_each_coin():
    frame = pd.DataFrame(
        {
            "coin": np.repeat(["A", "B", "C"], 50),
            "x": np.r_[np.arange(50), 1000 + np.arange(50), 5000 + np.arange(50)].astype(float),
            "y": 0.0,
        }
    )
    seen: list[pd.DataFrame] = []

    def spy(f: pd.DataFrame) -> np.ndarray:
        seen.append(f.copy())
        return np.full((len(f), 2), 0.5)

    permutation_importance(spy, frame, ["x", "y"], np.zeros(150, dtype=int), n_repeats=2)
    shuffled = seen[1]["x"].to_numpy().reshape(2, 150)
    assert not np.array_equal(shuffled[0], frame["x"].to_numpy())
    for r in range(2):
        for coin, lo in (("A", 0), ("B", 1000), ("C", 5000)):
            part = shuffled[r][frame["coin"].to_numpy() == coin]
            assert sorted(part) == list(lo + np.arange(50.0))


def test_forty_features_three_repeats_twenty_thousand_rows_take_seconds():
    rng = np.random.default_rng(5)
    features = [f"x{i}" for i in range(40)]
    frame = pd.DataFrame(rng.standard_normal((20_000, 40)), columns=features)
    frame.insert(0, "coin", np.repeat(["BTC", "ETH"], 10_000))
    weights = rng.standard_normal(40)
    codes = (frame[features].to_numpy() @ weights + rng.standard_normal(20_000) > 0).astype(int)

    def linear(f: pd.DataFrame) -> np.ndarray:
        p = 1 / (1 + np.exp(-(f[features].to_numpy() @ weights)))
        return np.column_stack([1 - p, p])

    start = time.perf_counter()
    imp = permutation_importance(linear, frame, features, codes, n_repeats=3)
    assert time.perf_counter() - start < 10
    assert len(imp) == 40 and (imp["importance"] > 0).sum() >= 35


def test_bad_arguments_are_refused(planted):
    real, _, test, codes = planted
    with pytest.raises(ValueError, match="metric"):
        permutation_importance(_predictor(real), test, FEATURES, codes, metric="auc")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="codes"):
        permutation_importance(_predictor(real), test, FEATURES, codes[:-1])


# -- drift -----------------------------------------------------------------------------------


def test_psi_of_a_sample_against_its_own_reference_is_zero_and_of_a_shifted_one_is_major():
    rng = np.random.default_rng(6)
    train = rng.standard_normal(20_000)
    ref = drift.reference(train)
    assert len(ref["edges"]) == 9 and len(ref["shares"]) == 11
    assert drift.psi(ref["edges"], ref["shares"], train) == pytest.approx(0.0, abs=1e-12)
    same = drift.psi(ref["edges"], ref["shares"], rng.standard_normal(5000))
    assert same < 0.02 and drift.level(same) == "stable"
    shifted = drift.psi(ref["edges"], ref["shares"], rng.standard_normal(5000) + 1.0)
    assert shifted > drift.PSI_MAJOR and drift.level(shifted) == "major"
    wider = drift.psi(ref["edges"], ref["shares"], 1.5 * rng.standard_normal(5000))
    assert wider >= drift.PSI_MODERATE
    assert drift.psi(ref["edges"], None, train) == pytest.approx(0.0, abs=1e-3)  # untied, NaN-free


def test_missing_values_are_a_bin_of_their_own():
    rng = np.random.default_rng(7)
    train = rng.standard_normal(10_000)
    train[:500] = np.nan
    ref = drift.reference(train)
    assert ref["shares"][-1] == pytest.approx(0.05)
    assert drift.psi(ref["edges"], ref["shares"], train) == pytest.approx(0.0, abs=1e-12)
    served = rng.standard_normal(4000)
    served[:1600] = np.nan  # 40% missing: same values otherwise
    assert drift.psi(ref["edges"], ref["shares"], served) > drift.PSI_MAJOR


def test_reference_bins_are_robust_to_ties_nan_and_constants():
    rng = np.random.default_rng(8)
    tied = np.where(rng.random(10_000) < 0.6, 0.0, rng.standard_normal(10_000))
    tied[::50] = np.nan
    edges = drift.reference_bins(tied)
    assert np.all(np.diff(edges) > 0) and 0.0 in edges and len(edges) < 9
    ref = drift.reference(tied)
    assert drift.psi(ref["edges"], ref["shares"], tied) == pytest.approx(0.0, abs=1e-12)
    assert drift.reference_bins([np.nan, np.nan]).size == 0
    constant = drift.reference(np.full(100, 3.0))
    assert constant["edges"] == [3.0] and constant["shares"] == [1.0, 0.0, 0.0]
    assert drift.psi(constant["edges"], constant["shares"], np.full(10, 3.0)) == 0.0
    assert drift.psi(constant["edges"], constant["shares"], np.full(10, 4.0)) > drift.PSI_MAJOR


def test_psi_table_from_a_json_round_trip_of_the_training_references():
    rng = np.random.default_rng(9)
    train = pd.DataFrame({"a": rng.standard_normal(5000), "b": rng.exponential(size=5000), "c": 1.0})
    stored = json.loads(json.dumps(drift.references(train, ["a", "b", "c"])))
    served = pd.DataFrame({"a": rng.standard_normal(2000), "b": rng.exponential(size=2000) + 2})
    table = drift.psi_table(stored, served)
    assert list(table.columns) == ["feature", "psi", "n"]
    assert table["feature"].tolist() == ["b", "a", "c"]
    by = table.set_index("feature")
    assert by.loc["b", "psi"] > drift.PSI_MAJOR and by.loc["a", "psi"] < drift.PSI_MODERATE
    assert np.isnan(by.loc["c", "psi"]) and by.loc["c", "n"] == 0 and by.loc["a", "n"] == 2000
    assert np.isnan(drift.psi(stored["a"]["edges"], stored["a"]["shares"], []))


def test_psi_refuses_shares_that_do_not_match_the_edges():
    with pytest.raises(ValueError, match="NaN"):
        drift.psi([0.0, 1.0], [0.5, 0.5], [0.3])

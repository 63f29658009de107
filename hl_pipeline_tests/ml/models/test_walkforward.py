import numpy as np
import pandas as pd
import pytest

from hl_pipeline.ml.folds import walk_forward_folds
from hl_pipeline.ml.models import metrics, walkforward
from hl_pipeline.ml.models.config import WalkForward

from .conftest import FAST_XGB, TARGET, WALK


def test_every_candidate_is_scored_on_the_same_purged_folds(signal_frame):
    ev = walkforward.evaluate(signal_frame, TARGET, xgb=FAST_XGB, walk=WALK)
    assert set(ev.aggregate) == {"xgboost", "majority", "logistic", "forest"}
    assert len(ev.folds) == 3
    for fold in ev.folds:
        assert set(fold.metrics["xgboost"]) == set(metrics.METRICS)
        assert fold.n_test == (ev.oos["fold"] == fold.index).sum()
    assert ev.oos["row"].is_unique and len(ev.oos) == sum(f.n_test for f in ev.folds)
    # the signal is found by the learners, not by the baseline
    for kind in ("xgboost", "logistic", "forest"):
        assert ev.aggregate[kind]["accuracy"] > ev.aggregate["majority"]["accuracy"] + 0.03
        assert ev.aggregate[kind]["ic"] > 0.1 and ev.aggregate[kind]["auc"] > 0.55
    assert np.isnan(ev.aggregate["majority"]["ic"])
    assert ev.train_end_ms == int(signal_frame["time"].max().value // 1_000_000)
    assert ev.final is not None
    preds = ev.final.predict(signal_frame.head(4))
    assert list(preds.columns) == ["pred_class", "score", "prob_down", "prob_up"]
    assert set(preds["pred_class"]) <= {-1, 1}


def test_three_classes_with_nan_features_and_a_class_missing_from_a_fold(signal_frame):
    frame = signal_frame.copy()
    frame["dir_15m"] = np.where(frame["fwd_ret_15m"].abs() < 1e-3, 0, np.sign(frame["fwd_ret_15m"])).astype(
        int
    )
    frame.loc[frame.index[:2000], "dir_15m"] = np.where(
        frame["dir_15m"].iloc[:2000] == 0, 1, frame["dir_15m"].iloc[:2000]
    )
    frame.loc[frame.index[::7], "f0"] = np.nan
    ev = walkforward.evaluate(
        frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=("xgboost", "logistic", "majority")
    )
    assert ev.classes.tolist() == [-1, 0, 1]
    assert ev.final is not None
    preds = ev.final.predict(frame.head(3))
    assert list(preds.columns) == ["pred_class", "score", "prob_down", "prob_flat", "prob_up"]
    np.testing.assert_allclose(preds[["prob_down", "prob_flat", "prob_up"]].sum(axis=1), 1.0, rtol=1e-5)
    assert all(np.isfinite(f.metrics["logistic"]["log_loss"]) for f in ev.folds)


def test_rows_without_label_or_return_are_dropped_and_bad_arguments_named(signal_frame):
    frame = signal_frame.copy()
    frame.loc[frame.index[-30:], "fwd_ret_15m"] = np.nan
    ev = walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=("majority",), primary="majority")
    assert len(ev.rows) == len(frame) - 30
    with pytest.raises(ValueError, match="'tree'"):
        walkforward.evaluate(frame, TARGET, kinds=("tree",), primary="tree")
    with pytest.raises(ValueError, match="primary"):
        walkforward.evaluate(frame, TARGET, kinds=("majority",))
    with pytest.raises(ValueError, match="n_folds"):
        walkforward.evaluate(
            frame, TARGET, walk=WalkForward(n_folds=0), kinds=("majority",), primary="majority"
        )


def test_recorded_folds_over_a_frame_with_unknown_nullable_labels(signal_frame):
    """The training set's shape: Int8 labels missing where not yet known, folds over every row."""
    frame = signal_frame.sample(frac=1.0, random_state=0).reset_index(drop=True)  # any row order
    frame["dir_15m"] = frame["dir_15m"].astype("Int8")
    late = frame["time"] > frame["time"].max() - np.timedelta64(15, "m")
    frame.loc[late, "dir_15m"] = pd.NA
    folds = walk_forward_folds(
        walkforward.times_ms(frame), n_folds=3, horizon_ms=TARGET.horizon_ms, embargo_ms=0
    )
    ev = walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, folds=folds, kinds=("xgboost", "majority"))
    assert len(ev.rows) == (~late).sum()
    assert len(ev.oos) == sum((~late.to_numpy()[f.test]).sum() for f in folds)
    assert (ev.rows.loc[ev.oos["row"], "time"].to_numpy() == ev.oos["time"].to_numpy()).all()

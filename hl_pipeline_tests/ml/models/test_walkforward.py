import numpy as np
import pandas as pd
import pytest

from hl_pipeline.ml.folds import walk_forward_folds
from hl_pipeline.ml.models import metrics, walkforward
from hl_pipeline.ml.models.config import WalkForward

from .conftest import FAST_XGB, TARGET, WALK


def test_every_candidate_is_scored_on_the_same_purged_folds(signal_frame):
    kinds = (*walkforward.DEFAULT_KINDS, "majority")
    ev = walkforward.evaluate(signal_frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=kinds)
    assert set(ev.aggregate) == set(kinds) == {"xgboost", "lightgbm", "forest", "logistic", "majority"}
    assert ev.primary != "majority" and ev.params["chosen_by"].startswith("net Sharpe")
    assert ev.primary == max(ev.params["selection_sharpe"], key=ev.params["selection_sharpe"].get)
    assert len(ev.folds) == 3
    for fold in ev.folds:
        assert set(fold.metrics["xgboost"]) == set(metrics.METRICS)
        assert fold.n_test == (ev.oos["fold"] == fold.index).sum()
    assert ev.oos["row"].is_unique and len(ev.oos) == sum(f.n_test for f in ev.folds)
    # the signal is found by the learners, not by the baseline
    for kind in ("xgboost", "lightgbm", "logistic", "forest"):
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


def test_rows_without_a_return_are_dropped_and_bad_arguments_named(signal_frame):
    frame = signal_frame.copy()
    frame.loc[frame.index[-30:], "fwd_ret_15m"] = np.nan
    ev = walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=("majority",), primary="majority")
    assert len(ev.rows) == len(frame) - 30
    with pytest.raises(ValueError, match="'tree'"):
        walkforward.evaluate(frame, TARGET, kinds=("tree",), primary="tree")
    with pytest.raises(ValueError, match="primary"):
        walkforward.evaluate(frame, TARGET, kinds=("majority",), primary="xgboost")
    with pytest.raises(ValueError, match="no row has a 'dir_15m' label"):
        walkforward.evaluate(frame.assign(dir_15m=np.nan), TARGET, kinds=("majority",))
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
    assert len(ev.rows) == len(frame)  # unlabelled rows with a return are served and traded
    assert len(ev.oos) == sum(len(f.test) for f in folds)
    assert (ev.rows.loc[ev.oos["row"], "time"].to_numpy() == ev.oos["time"].to_numpy()).all()
    unlabelled = ev.rows.loc[ev.oos["row"], "dir_15m"].isna().to_numpy()
    assert (ev.oos["code"].to_numpy()[unlabelled] == walkforward.NO_LABEL).all()
    assert (ev.oos["code"].to_numpy()[~unlabelled] >= 0).all()
    assert ev.train_end_ms < int(frame.loc[late, "time"].min().value // 1_000_000)


def test_dead_zone_bars_are_traded_but_neither_trained_on_nor_scored(signal_frame):
    frame = signal_frame.copy()
    dead = frame["fwd_ret_15m"].abs() < 5e-4
    frame["dir_15m"] = frame["dir_15m"].astype("Float64").mask(dead)
    ev = walkforward.evaluate(frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=("logistic",))
    both = walkforward.evaluate(signal_frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=("logistic",))
    assert len(ev.oos) == len(both.oos)  # every bar is in the out-of-sample record
    in_zone = dead.to_numpy()[ev.oos["row"].to_numpy()]
    assert in_zone.any() and (ev.oos["code"].to_numpy()[in_zone] == walkforward.NO_LABEL).all()
    assert ev.oos["score_logistic"].notna().all()
    for fold, full in zip(ev.folds, both.folds):
        assert fold.n_train < full.n_train and fold.n_test == full.n_test
    # accuracy counts labelled bars only: recomputed from the record
    labelled = ev.oos[ev.oos["code"] >= 0]
    first = labelled[labelled["fold"] == 0]
    assert ev.folds[0].metrics["logistic"]["accuracy"] == pytest.approx(
        (first["pred_logistic"] == first["code"]).mean()
    )


def test_each_fold_is_served_by_a_choice_made_on_the_folds_before_it(signal_frame):
    """Scrambling fold k and later changes no choice up to fold k; the gate window starts at fold 1."""
    from hl_pipeline.ml.models.config import TradingConfig

    kinds = ("xgboost", "logistic")
    ev = walkforward.evaluate(signal_frame, TARGET, xgb=FAST_XGB, walk=WALK, kinds=kinds)
    choices = ev.params["fold_choices"]
    assert choices[0] is None and all(c in kinds for c in choices[1:])
    served = ev.oos[ev.oos["fold"] >= 1]
    for fold, kind in enumerate(choices[1:], start=1):
        rows = served[served["fold"] == fold]
        assert (rows["score_chosen"] == rows[f"score_{kind}"]).all()
    assert ev.oos.loc[ev.oos["fold"] == 0, "score_chosen"].isna().all()
    for k in (1, 2):
        oos = ev.oos.copy()
        later = oos["fold"] >= k
        oos.loc[later, "score_logistic"] = -oos.loc[later, "score_logistic"]
        oos.loc[later, "score_xgboost"] = 1.0
        _, again = walkforward.choose(oos, kinds, TARGET.hold_bars, TradingConfig())
        assert again[: k + 1] == choices[: k + 1]

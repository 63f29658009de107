"""Every candidate fits a frame with NaNs, predicts probabilities, and does so deterministically."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from hl_pipeline.errors import ConfigError
from hl_pipeline.ml.models import synthetic
from hl_pipeline.ml.models.candidates import KINDS, build
from hl_pipeline.ml.models.predictor import matrix
from hl_pipeline_tests.ml.models.conftest import FAST_XGB

FEATURES = [f"f{i}" for i in range(6)]


@pytest.fixture(scope="module")
def small():
    frame = synthetic.frame(bars=600, coins=2, strength=0.2, nan_share=0.1, seed=3)
    codes = (frame["dir_15m"].to_numpy() > 0).astype(int)
    x = matrix(frame, FEATURES)
    assert np.isnan(x).mean() > 0.05
    return x, codes


def _fit_predict(kind: str, x: np.ndarray, codes: np.ndarray, n_classes: int = 2) -> np.ndarray:
    model = build(kind, FAST_XGB, n_classes)
    model.fit(x[:900], codes[:900])
    return model.predict_proba(x[900:])


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_fits_nan_rows_and_predicts_probabilities_deterministically(kind, small):
    x, codes = small
    p = _fit_predict(kind, x, codes)
    assert p.shape == (len(x) - 900, 2)
    assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    # same seed, same fit: the forest's threads may only reorder a float sum (1 ulp)
    np.testing.assert_allclose(_fit_predict(kind, x, codes), p, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_handles_three_classes(kind, small):
    x, codes = small
    three = np.where(np.arange(len(codes)) % 7 == 0, 2, codes)
    p = _fit_predict(kind, x, three, n_classes=3)
    assert p.shape == (len(x) - 900, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)


def test_lightgbm_learns_a_planted_signal():
    frame = synthetic.frame(bars=4000, coins=1, strength=0.3, seed=5)
    codes = (frame["dir_15m"].to_numpy() > 0).astype(int)
    x = matrix(frame, FEATURES)
    model = build("lightgbm", FAST_XGB, 2).fit(x[:3000], codes[:3000])
    accuracy = (model.predict_proba(x[3000:]).argmax(axis=1) == codes[3000:]).mean()
    assert accuracy > 0.6


def test_unknown_kind_is_a_config_error():
    with pytest.raises(ConfigError, match="lightgbm"):
        build("catboost", FAST_XGB, 2)


def test_importing_the_candidates_loads_no_booster_library():
    code = (
        "import sys, hl_pipeline.ml.models.candidates; "
        "print(sorted({'lightgbm', 'xgboost'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

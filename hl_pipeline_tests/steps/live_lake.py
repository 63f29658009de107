"""A champion trained and promoted on synthetic bars, and later days of its live market written to a
lake with the real writer: features, labels and its served predictions (flipped, shifted or with
labels still unknown on request)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.schemas import FEATURES, LABELS, PREDICTIONS
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.ml.labels import direction
from hl_pipeline.ml.models import synthetic, walkforward
from hl_pipeline.ml.models.config import GateConfig, TradingConfig, WalkForward, XGBConfig
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.ml.models.target_spec import Target
from hl_pipeline.ml.models.trading import position
from hl_pipeline.registry.loading import load
from hl_pipeline.registry.tracking import Tracking

KEY = TargetKey("BTC", 15)
FEATURE_NAMES = ("ret_5", "ret_15", "rv_15", "macd", "imbalance_l0", "flow_imbalance")  # f0 (ret_5) predicts
TARGET = Target(FEATURE_NAMES, "dir_15m", "fwd_ret_15m", 15 * 60_000, 15)
LIVE = ("2025-01-05", "2025-01-06", "2025-01-07")  # after the 4 days it trained on
DEAD_ZONE = 5e-4


def market() -> pd.DataFrame:
    """Eight days of BTC 1m bars with a planted signal, features under catalog names, float64."""
    data = synthetic.frame(bars=8 * 1440, coins=1, strength=0.3, seed=5)
    data = data.rename(columns={f"f{i}": name for i, name in enumerate(FEATURE_NAMES)})
    return data.assign(coin=KEY.coin).astype({name: "float64" for name in FEATURE_NAMES})


def champion(root: Path, data: pd.DataFrame) -> Tracking:
    """A store whose v1 of KEY, trained on the days before LIVE, the gate promoted."""
    from hl_pipeline.steps.promotion import promote_round
    from hl_pipeline.steps.training import log_training

    tracking = Tracking(root=root)
    ev = walkforward.evaluate(
        data[data["time"] < pd.Timestamp(LIVE[0], tz="UTC")],
        TARGET,
        xgb=XGBConfig(n_estimators=40, max_depth=3, learning_rate=0.1),
        walk=WalkForward(n_folds=3),
        kinds=("xgboost", "majority", "logistic"),
    )
    log_training(tracking, KEY.model_name, ev)
    (done,) = promote_round(tracking, [KEY], GateConfig(), TradingConfig())
    assert done.decision.promote, done.decision.reason
    return tracking


def _write(lake: Path, dataset: str, date: str, frame: pd.DataFrame, schema: pa.Schema) -> None:
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    write_partition(lake, table, Manifest.for_table(dataset, date, KEY.coin, table, "synthetic"))


def write_day(
    lake: Path,
    tracking: Tracking,
    data: pd.DataFrame,
    date: str,
    *,
    flip: bool = False,
    shift: str | None = None,
    unknown: int = 0,
    served: int | None = None,
) -> None:
    """`date`'s features, labels and the champion's predictions of them: `flip` serves every sign the
    other way, `shift` moves that feature by one standard deviation, `unknown` leaves the last bars'
    labels unknown, `served` keeps only the first bars' predictions."""
    day = data[data["time"].dt.strftime("%Y-%m-%d") == date].reset_index(drop=True)
    features = pd.DataFrame({"coin": KEY.coin, "time": day["time"], "interval": "1m"})
    for field in FEATURES:
        if field.name not in features:
            missing = False if pa.types.is_boolean(field.type) else np.nan
            features[field.name] = day.get(field.name, missing)
    if shift:
        features[shift] += 1.0  # the features are AR(1) series of unit variance
    _write(lake, "features", date, features, FEATURES)
    fwd = day["fwd_ret_15m"].to_numpy(dtype=float).copy()
    if unknown:
        fwd[-unknown:] = np.nan
    labels = pd.DataFrame(
        {
            "coin": KEY.coin,
            "time": day["time"],
            "interval": "1m",
            "horizon_min": KEY.horizon_min,
            "known_time": day["time"] + pd.Timedelta(minutes=16),
            "fwd_log_return": fwd,
            "direction": pd.array(direction(fwd, DEAD_ZONE), dtype="Int8"),
            "triple_barrier": pd.array([pd.NA] * len(day), dtype="Int8"),
        }
    )
    _write(lake, "labels", date, labels, LABELS)
    scored = load(tracking, KEY.model_name).predict(features[list(FEATURE_NAMES)])
    sign = -1.0 if flip else 1.0
    score = sign * scored["score"].to_numpy(dtype=float)
    prob_up, prob_down = scored["prob_up"].to_numpy(), scored["prob_down"].to_numpy()
    predictions = pd.DataFrame(
        {
            "coin": KEY.coin,
            "time": day["time"],
            "horizon_min": KEY.horizon_min,
            "model_name": KEY.model_name,
            "model_version": "1",
            "pred_class": (sign * scored["pred_class"].to_numpy()).astype("int8"),
            "score": score,
            "prob_down": prob_up if flip else prob_down,
            "prob_up": prob_down if flip else prob_up,
            "position": position(score, TradingConfig().min_edge).astype("int8"),
        }
    )
    if served is not None:
        predictions = predictions.head(served)
    _write(lake, "predictions", date, predictions, PREDICTIONS)

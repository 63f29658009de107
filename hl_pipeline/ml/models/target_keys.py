"""Model targets (coin x label horizon): their names, and their rows and folds in a training set."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hl_pipeline.errors import ConfigError, PreconditionError

if TYPE_CHECKING:  # pandas stays out of code-location load
    import pandas as pd

_KEY = re.compile(r"^([A-Za-z0-9:]{1,41})_(\d{1,4})m$")


@dataclass(frozen=True)
class TargetKey:
    coin: str
    horizon_min: int

    @property
    def key(self) -> str:
        """The Dagster partition key, e.g. "BTC_15m"."""
        return f"{self.coin}_{self.horizon_min}m"

    @property
    def model_name(self) -> str:
        """The registered model's name, e.g. "hl_BTC_15m"."""
        return f"hl_{self.key}"

    @classmethod
    def parse(cls, key: str) -> TargetKey:
        m = _KEY.match(key)
        if not m:
            raise ConfigError(f"bad target {key!r}: expected COIN_<minutes>m, e.g. BTC_15m")
        return cls(m.group(1), int(m.group(2)))


def target_rows(frame: pd.DataFrame, manifest: Mapping, key: TargetKey, bar_ms: int):
    """(rows of the coin, Target, the training set's purged folds over those rows) for one target.

    The label is the direction, up or down: bars whose return fell in the dead zone carry no
    direction, so they are left out of training and of accuracy (directional accuracy), but they
    stay in the rows: they are traded, as every served bar is."""
    from hl_pipeline.ml.models.target_spec import Target
    from hl_pipeline.ml.training_set import training_folds

    horizons = manifest["labels"]["horizons_min"]
    if key.horizon_min not in horizons:
        raise PreconditionError(
            f"target {key.key}: the training set has label horizons {list(horizons)}, not {key.horizon_min}m"
        )
    rows = frame[frame["coin"] == key.coin].reset_index(drop=True)
    label = f"direction_{key.horizon_min}m"
    rows[label] = rows[label].astype("Float64").mask(rows[label] == 0)  # the dead zone has no direction
    if rows.empty:
        raise PreconditionError(
            f"target {key.key}: the training set holds no rows of {key.coin} (coins: {manifest['coins']})"
        )
    target = Target(
        features=tuple(manifest["features"]),
        label=label,
        ret=f"fwd_log_return_{key.horizon_min}m",
        horizon_ms=bar_ms + key.horizon_min * 60_000,
        hold_bars=max(1, key.horizon_min * 60_000 // bar_ms),
    )
    return rows, target, training_folds(rows, manifest)

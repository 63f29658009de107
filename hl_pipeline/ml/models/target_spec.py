"""What a model predicts: features, a direction label, a forward return and its horizon."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hl_pipeline.errors import ConfigError


@dataclass(frozen=True)
class Target:
    """Column names of one target in a training frame (`coin`, `time` plus these)."""

    features: tuple[str, ...]
    label: str  # int classes, -1/0/1 or 0/1
    ret: str  # realized forward log return over the horizon
    horizon_ms: int  # how far a row's label reaches past its bar's open: what the purge removes
    hold_bars: int  # bars a prediction is held when traded (the horizon in bars)

    def check(self, frame: pd.DataFrame) -> None:
        """Raise ValueError naming missing columns or an empty feature list."""
        if not self.features:
            raise ValueError("Target.features is empty")
        missing = [
            c for c in ("coin", "time", *self.features, self.label, self.ret) if c not in frame.columns
        ]
        if missing:
            raise ValueError(f"training frame lacks columns {missing}")
        if self.horizon_ms <= 0:
            raise ConfigError(f"horizon_ms must be > 0, got {self.horizon_ms!r}")
        if self.hold_bars < 1:
            raise ConfigError(f"hold_bars must be >= 1, got {self.hold_bars!r}")


def encode(labels: np.ndarray, classes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Class codes 0..K-1 and the sorted original classes; a label outside `classes` raises."""
    y = np.asarray(labels)
    if classes is None:
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"the label needs at least two classes, got {classes.tolist()}")
    codes = np.searchsorted(classes, y)
    bad = (codes >= len(classes)) | (classes[np.minimum(codes, len(classes) - 1)] != y)
    if bad.any():
        raise ValueError(f"labels {np.unique(y[bad]).tolist()} are not among the classes {classes.tolist()}")
    return codes, classes


def directions(classes: np.ndarray) -> np.ndarray:
    """Trading direction of each class: -1/0/1 labels are themselves, 0/1 labels become -1/+1."""
    c = np.asarray(classes)
    if set(c.tolist()) <= {-1, 0, 1} and c.min() < 0:
        return c.astype(float)
    if c.tolist() == [0, 1]:
        return np.array([-1.0, 1.0])
    raise ValueError(f"direction labels must be -1/0/1 or 0/1, got {c.tolist()}")

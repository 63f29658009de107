"""The training set: features joined to labels as of each bar, with the walk-forward split the
model step will use and a manifest that records what went in.

A label enters only if it was known by ``as_of_ms`` (when the set is built); later ones are
left missing. Each row carries ``fold``: the walk-forward test window it falls in (-1 for the
first block, which only trains). The model step rebuilds each fold's purged and embargoed
training rows with `training_folds`; the purge is sized from the label horizon, so no training
label is known after its test window opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from hl_pipeline.lake.tables import content_hash
from hl_pipeline.ml.features.catalog import FLAGS, REGISTRY, bar_ms, resolve
from hl_pipeline.ml.folds import Fold, walk_forward_folds
from hl_pipeline.ml.labels import LabelSpec
from hl_pipeline.ml.pointintime import ms

LABEL_FIELDS = ("fwd_log_return", "direction", "triple_barrier", "known_time")


@dataclass(frozen=True)
class SplitSpec:
    """Walk-forward folds (see hl_pipeline.ml.folds); the embargo defaults to the label horizon."""

    n_folds: int = 5
    embargo_ms: int | None = None
    mode: str = "expanding"
    train_ms: int | None = None


def label_columns(horizons_min: Iterable[int]) -> list[str]:
    return [f"{field}_{h}m" for h in horizons_min for field in LABEL_FIELDS]


def purge_horizon_ms(spec: LabelSpec) -> int:
    """From a row's time (bar open) to when its longest label is known."""
    return bar_ms(spec.bar) + spec.max_horizon_ms


def _wide_labels(labels: pd.DataFrame, spec: LabelSpec, as_of_ms: int) -> pd.DataFrame:
    """One row per coin and bar, one column per label field and horizon; labels known after
    `as_of_ms` are missing."""
    unknown = sorted({int(h) for h in labels["horizon_min"].unique()} - set(spec.horizons_min))
    if unknown:
        raise ValueError(
            f"labels hold horizon(s) {unknown} the label spec does not name {list(spec.horizons_min)}"
        )
    out = None
    for h in spec.horizons_min:
        part = labels[labels["horizon_min"] == h].set_index(["coin", "time"])[list(LABEL_FIELDS)]
        late = ms(part["known_time"]) > as_of_ms
        part.loc[late, ["fwd_log_return", "direction", "triple_barrier"]] = pd.NA
        part = part.rename(columns={f: f"{f}_{h}m" for f in LABEL_FIELDS})
        out = part if out is None else out.join(part, how="outer")
    return out


def training_folds(frame: pd.DataFrame, manifest: Mapping) -> list[Fold]:
    """The folds recorded in `manifest`, as row positions into `frame`."""
    split = manifest["split"]
    return walk_forward_folds(
        ms(frame["time"]),
        n_folds=split["n_folds"],
        horizon_ms=split["horizon_ms"],
        embargo_ms=split["embargo_ms"],
        mode=split["mode"],
        train_ms=split["train_ms"],
    )


def build_training_set(
    features: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    as_of_ms: int,
    spec: LabelSpec = LabelSpec(),
    split: SplitSpec = SplitSpec(),
    feature_names: Iterable[str] | None = None,
    inputs: Mapping | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Join `features` (from compute_features) to `labels` (from compute_labels) on coin and bar;
    returns the frame (rows with at least one label known by `as_of_ms`, sorted by time then coin)
    and its manifest. `inputs` (e.g. ``{"features": {"2024-03-01": "<data version>"}, ...}``) is
    recorded as given."""
    specs = resolve(feature_names)
    names = [f.name for f in specs]
    absent = [c for c in ["coin", "time", *names, *FLAGS] if c not in features.columns]
    if absent:
        raise ValueError(f"features lack column(s) {absent}")
    wide = _wide_labels(labels, spec, as_of_ms)
    frame = features[["coin", "time", "interval", *names, *FLAGS]].join(
        wide, on=["coin", "time"], how="inner"
    )
    targets = [f"fwd_log_return_{h}m" for h in spec.horizons_min]
    frame = frame[frame[targets].notna().any(axis=1)].sort_values(["time", "coin"], ignore_index=True)
    horizon = purge_horizon_ms(spec)
    embargo = horizon if split.embargo_ms is None else split.embargo_ms
    split_record = {**asdict(split), "embargo_ms": embargo, "horizon_ms": horizon}
    folds = walk_forward_folds(
        ms(frame["time"]),
        n_folds=split.n_folds,
        horizon_ms=horizon,
        embargo_ms=embargo,
        mode=split.mode,
        train_ms=split.train_ms,
    )
    fold = np.full(len(frame), -1, dtype=np.int16)
    for f in folds:
        fold[f.test] = f.index
    frame["fold"] = fold
    times = ms(frame["time"])
    manifest = {
        "dataset": "training_set",
        "as_of": int(as_of_ms),
        "rows": len(frame),
        "first_time": int(times.min()),
        "last_time": int(times.max()),
        "coins": sorted(frame["coin"].unique().tolist()),
        "inputs": dict(inputs or {}),
        "features": names,
        "feature_specs": {
            n: {
                "inputs": list(REGISTRY[n].inputs),
                "lookback_bars": REGISTRY[n].lookback,
                "window_ms": REGISTRY[n].window_ms,
            }
            for n in names
        },
        "labels": {**spec.describe(), "columns": label_columns(spec.horizons_min)},
        "split": {
            **split_record,
            "folds": [
                {
                    "index": f.index,
                    "test_start": f.test_start,
                    "test_end": f.test_end,
                    "train_rows": len(f.train),
                    "test_rows": len(f.test),
                }
                for f in folds
            ],
        },
        "content_hash": content_hash(pa.Table.from_pandas(frame, preserve_index=False)),
    }
    return frame, manifest


def label_horizon_minutes(columns: Iterable[str]) -> list[int]:
    """Horizons (minutes) of the label columns present in a training set."""
    return sorted({int(c.rsplit("_", 1)[1][:-1]) for c in columns if c.startswith("known_time_")})

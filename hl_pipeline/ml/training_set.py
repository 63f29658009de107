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


def _wide_labels(labels: pd.DataFrame, spec: LabelSpec) -> pd.DataFrame:
    """One row per coin and bar, one column per label field (of those `labels` holds) and horizon."""
    unknown = sorted({int(h) for h in labels["horizon_min"].unique()} - set(spec.horizons_min))
    if unknown:
        raise ValueError(
            f"labels hold horizon(s) {unknown} the label spec does not name {list(spec.horizons_min)}"
        )
    fields = [f for f in LABEL_FIELDS if f in labels.columns]
    out = None
    for h in spec.horizons_min:
        part = labels[labels["horizon_min"] == h].set_index(["coin", "time"])[fields]
        part = part.rename(columns={f: f"{f}_{h}m" for f in fields})
        out = part if out is None else out.join(part, how="outer")
    return out


def labelled_bars(
    features: pd.DataFrame, labels: pd.DataFrame, spec: LabelSpec, columns: list[str]
) -> pd.DataFrame:
    """`features[columns]` joined to their labels on coin and bar, sorted by time then coin, before
    any as-of cut: a training set over a window is `known_by` of a slice of it."""
    frame = features[columns].join(_wide_labels(labels, spec), on=["coin", "time"], how="inner")
    return frame.sort_values(["time", "coin"], ignore_index=True)


def known_mask(known_ms: Mapping[int, np.ndarray], has_return: Mapping[int, np.ndarray], as_of_ms: int):
    """(rows with at least one return known by `as_of_ms`; per horizon, whose labels are known later)
    from each horizon's label known times and whether a return was computed."""
    late = {h: t > as_of_ms for h, t in known_ms.items()}
    keep = np.zeros(len(next(iter(late.values()))), dtype=bool)
    for h, after in late.items():
        keep |= ~after & has_return[h]
    return keep, late


def label_arrays(frame: pd.DataFrame, horizons_min: Iterable[int]) -> tuple[dict, dict]:
    """Each horizon's label known times (ms) and whether a return was computed, of `frame`."""
    hs = list(horizons_min)
    known = {h: ms(frame[f"known_time_{h}m"]) for h in hs}
    return known, {h: frame[f"fwd_log_return_{h}m"].notna().to_numpy() for h in hs}


def known_by(frame: pd.DataFrame, as_of_ms: int, horizons_min: Iterable[int]) -> pd.DataFrame:
    """`frame` (from `labelled_bars`) as of `as_of_ms`: labels known later are missing, and rows with
    no return known at all are dropped."""
    keep, late = known_mask(*label_arrays(frame, horizons_min), as_of_ms)
    out = frame[keep].reset_index(drop=True)
    for h, after in late.items():
        for field in ("fwd_log_return", "direction", "triple_barrier"):
            if f"{field}_{h}m" in out.columns:
                out[f"{field}_{h}m"] = out[f"{field}_{h}m"].mask(after[keep])
    return out


@dataclass(frozen=True)
class Window:
    """The rows of a training set cut from `LabelledBars`: their times, coins, and per horizon when
    the labels become known and whether a return is known by the set's as-of."""

    times: np.ndarray  # ms, sorted
    codes: np.ndarray  # per row, its coin's position in `names`
    names: np.ndarray  # coin symbols
    known: dict[int, np.ndarray]  # horizon -> known time (ms)
    returned: dict[int, np.ndarray]  # horizon -> a return known by as-of

    def rows_by_coin(self) -> dict[str, int]:
        counts = np.bincount(self.codes, minlength=len(self.names))
        return {str(n): int(c) for n, c in sorted(zip(self.names, counts, strict=True)) if c}

    def only(self, coins: Iterable[str]) -> Window:
        """The rows of `coins`."""
        keep = np.isin(self.names, list(coins))[self.codes]
        return Window(
            self.times[keep],
            self.codes[keep],
            self.names,
            {h: t[keep] for h, t in self.known.items()},
            {h: r[keep] for h, r in self.returned.items()},
        )


class LabelledBars:
    """The labelled bars of a span of days (from `labelled_bars`) as arrays, so that the training set
    of any window inside the span is a slice and a mask: what `known_by` keeps of that window."""

    def __init__(self, frame: pd.DataFrame, horizons_min: Iterable[int]):
        self.horizons = list(horizons_min)
        self.times = ms(frame["time"])
        codes, self._names = pd.factorize(frame["coin"])
        self._codes = codes.astype(np.int32)
        self.known, self.has_return = label_arrays(frame, self.horizons)

    def _rows(self, start_ms: int, end_ms: int) -> slice:
        lo, hi = (int(i) for i in self.times.searchsorted([start_ms, end_ms]))
        return slice(lo, hi)

    def window(self, start_ms: int, end_ms: int, as_of_ms: int) -> Window:
        """The training set's rows over bars in [start_ms, end_ms), as of `as_of_ms`."""
        rows = self._rows(start_ms, end_ms)
        known = {h: t[rows] for h, t in self.known.items()}
        keep, late = known_mask(known, {h: r[rows] for h, r in self.has_return.items()}, as_of_ms)
        return Window(
            times=self.times[rows][keep],
            codes=self._codes[rows][keep],
            names=np.asarray(self._names),
            known={h: t[keep] for h, t in known.items()},
            returned={h: (self.has_return[h][rows] & ~late[h])[keep] for h in self.horizons},
        )


def split_folds(
    times_ms: np.ndarray, spec: LabelSpec, split: SplitSpec
) -> tuple[np.ndarray, list[Fold], dict]:
    """(each row's fold, -1 for the first block; the folds; the split as recorded) over rows at `times_ms`."""
    horizon = purge_horizon_ms(spec)
    embargo = horizon if split.embargo_ms is None else split.embargo_ms
    folds = walk_forward_folds(
        times_ms,
        n_folds=split.n_folds,
        horizon_ms=horizon,
        embargo_ms=embargo,
        mode=split.mode,
        train_ms=split.train_ms,
    )
    fold = np.full(len(times_ms), -1, dtype=np.int16)
    for f in folds:
        fold[f.test] = f.index
    record = {
        **asdict(split),
        "embargo_ms": embargo,
        "horizon_ms": horizon,
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
    }
    return fold, folds, record


def split_of(record: Mapping) -> SplitSpec:
    """The SplitSpec a manifest's split record was made with."""
    return SplitSpec(**{f: record[f] for f in ("n_folds", "embargo_ms", "mode", "train_ms")})


def label_spec_of(record: Mapping) -> LabelSpec:
    """The LabelSpec a manifest's label record describes."""
    return LabelSpec(
        horizons_min=tuple(record["horizons_min"]),
        dead_zone=record["dead_zone"],
        barrier=record["barrier"],
        bar=record["bar"],
    )


def describe(
    rows_by_coin: Mapping[str, int],
    times_ms: np.ndarray,
    names: list[str],
    spec: LabelSpec,
    split_record: dict,
    as_of_ms: int,
) -> dict:
    """What a training set holds: as-of, rows (by coin), span, coins, features, the label definition
    and the folds."""
    return {
        "dataset": "training_set",
        "as_of": int(as_of_ms),
        "rows": int(sum(rows_by_coin.values())),
        "rows_by_coin": dict(sorted(rows_by_coin.items())),
        "first_time": int(times_ms.min()),
        "last_time": int(times_ms.max()),
        "coins": sorted(rows_by_coin),
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
        "split": split_record,
    }


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
    names = [f.name for f in resolve(feature_names)]
    absent = [c for c in ["coin", "time", *names, *FLAGS] if c not in features.columns]
    if absent:
        raise ValueError(f"features lack column(s) {absent}")
    bars = labelled_bars(features, labels, spec, ["coin", "time", "interval", *names, *FLAGS])
    frame = known_by(bars, as_of_ms, spec.horizons_min)
    times = ms(frame["time"])
    frame["fold"], _, split_record = split_folds(times, spec, split)
    counts = {str(k): int(v) for k, v in frame["coin"].value_counts().items()}
    manifest = {
        **describe(counts, times, names, spec, split_record, as_of_ms),
        "inputs": dict(inputs or {}),
        "content_hash": content_hash(pa.Table.from_pandas(frame, preserve_index=False)),
    }
    return frame, manifest


def label_horizon_minutes(columns: Iterable[str]) -> list[int]:
    """Horizons (minutes) of the label columns present in a training set."""
    return sorted({int(c.rsplit("_", 1)[1][:-1]) for c in columns if c.startswith("known_time_")})

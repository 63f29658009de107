"""Training sets: features joined to labels over a window of days, with purged folds."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from hl_pipeline.errors import PreconditionError
from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.calendar import day_start_ms, days_between, shift
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest, read_range
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.ml.labels import LabelSpec
from hl_pipeline.ml.training_set import SplitSpec, build_training_set
from hl_pipeline.steps.coin_days import Log, quiet, versions


def build_training_partition(
    root: Path,
    date: str,
    window_days: int,
    coins: list[str],
    now_ms: int,
    spec: LabelSpec = LabelSpec(),
    split: SplitSpec = SplitSpec(),
    log: Log = quiet,
) -> Manifest:
    """The training set as of the end of `date` (or now, for today) over the `window_days` days ending it."""
    dates = days_between(shift(date, -(window_days - 1)), date)
    features = read_range(root, "features", dates, coins).to_pandas()
    labels = read_range(root, "labels", dates, coins).to_pandas()
    if features.empty or labels.empty:
        raise PreconditionError(
            f"no features or labels written for {dates[0]}..{date}: materialize features and labels first"
        )
    as_of = min(day_start_ms(date) + DAY_MS, now_ms)
    inputs = {ds: versions(root, ds, dates, coins) for ds in ("features", "labels")}
    frame, record = build_training_set(
        features, labels, as_of_ms=as_of, spec=spec, split=split, inputs=inputs
    )
    details = {k: v for k, v in record.items() if k not in ("inputs", "content_hash", "dataset", "rows")}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    source = f"features joined to labels over {dates[0]}..{date}"
    manifest = Manifest.for_table("training_set", date, None, table, source, inputs=inputs, details=details)
    write_partition(root, table, manifest)
    folds = len(record["split"]["folds"])
    log(
        f"training set {dates[0]}..{date}: {manifest.rows} rows, {folds} folds, "
        f"hash {manifest.content_hash[:12]}"
    )
    return manifest


def newest_training_set(root: Path, today: str, days_back: int = 30) -> str:
    """The newest written training_set partition on or before `today`."""
    for k in range(days_back + 1):
        date = shift(today, -k)
        if read_manifest(root, "training_set", date) is not None:
            return date
    raise PreconditionError(
        f"no training_set partition in the {days_back} days up to {today}: materialize training_set first"
    )

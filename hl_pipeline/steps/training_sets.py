"""Training sets as selections: each partition names the feature and label partitions of its window
with their content hashes, the rows and folds they resolve to, and a digest; training reads the
named partitions back and refuses a selection whose inputs have changed since."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pandas as pd

from hl_pipeline.errors import ConfigError, PreconditionError
from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.calendar import chunks, day_start_ms, days_between, shift
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.paths import partition_dir
from hl_pipeline.lake.reader import read_manifest
from hl_pipeline.lake.snapshots import prune, snapshot
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.ml.labels import LabelSpec
from hl_pipeline.ml.training_set import (
    SplitSpec,
    build_training_set,
    describe,
    label_spec_of,
    split_folds,
    split_of,
)
from hl_pipeline.steps.coin_days import Log, quiet
from hl_pipeline.steps.training_inputs import (
    InputManifests,
    current_inputs,
    labelled,
    read_inputs,
    span_ms,
    stale,
)

SETTLED_AFTER_MS = 2 * DAY_MS  # from a day's start until its feature and label partitions stop changing
OLD_FORMAT = (
    "training_set {date} was written by code {code}, as a copy of its rows rather than a selection of "
    "its inputs: materialize training_set for {date} again"
)
SPAN_DAYS = 92  # days of training sets resolved per read of their inputs (a window's reach is read again)


def digest(inputs: Mapping, details: Mapping) -> str:
    """What identifies a training set: its input partitions and hashes, as-of, features, labels, folds."""
    keys = ("as_of", "rows", "features", "labels", "split")
    text = json.dumps({"inputs": inputs, **{k: details[k] for k in keys}}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def build_training_partitions(
    root: Location,
    dates: list[str],
    window_days: int,
    coins: list[str],
    now_ms: int,
    spec: LabelSpec = LabelSpec(),
    split: SplitSpec = SplitSpec(),
    log: Log = quiet,
) -> tuple[list[Manifest], dict[str, str]]:
    """For each of `dates`, the training set as of the end of that day (or now, for today) over the
    `window_days` days ending it, written as a selection of its input partitions (31 days a pass).
    Returns the manifests written and, by date, why a set was not (too few rows to split); raises
    when none was written."""
    from hl_pipeline.ml.features.catalog import resolve, with_inputs

    manifests, not_written = [], {}
    for chunk in chunks(dates, SPAN_DAYS):
        span = days_between(shift(chunk[0], -(window_days - 1)), chunk[-1])
        found = InputManifests(root)
        bars = labelled(root, span, coins, spec)
        for date in chunk:
            window = days_between(shift(date, -(window_days - 1)), date)
            inputs, missing = found.of(window, coins)
            names = [f.name for f in with_inputs(resolve(None), found.absent_inputs(window, coins))]
            as_of = min(day_start_ms(date) + DAY_MS, now_ms)
            rows = bars.window(*span_ms(window[0], date), as_of)
            if not len(rows.times):
                not_written[date] = f"no labelled feature rows in {window[0]}..{date}"
                continue
            try:
                _, _, split_record = split_folds(rows.times, spec, split)
            except (ValueError, ConfigError) as e:  # too few bars for the folds
                not_written[date] = f"{len(rows.times)} labelled rows in {window[0]}..{date}: {e}"
                continue
            details = describe(rows.rows_by_coin(), rows.times, names, spec, split_record, as_of)
            folder = partition_dir(root, "training_set", date)
            frozen = _freeze(root, folder, inputs, now_ms)
            details |= {"missing_inputs": missing, "frozen": frozen, "digest": digest(inputs, details)}
            table = found.table(inputs)
            source = f"a selection of the features and labels of {window[0]}..{date}"
            manifest = Manifest.for_table(
                "training_set", date, None, table, source, inputs=inputs, details=details
            )
            write_partition(root, table, manifest)
            prune(folder, {name for named in frozen.values() for name in named.values()})
            manifests.append(manifest)
            log(
                f"training set {window[0]}..{date}: {details['rows']} rows from {table.num_rows} partitions, "
                f"{len(split_record['folds'])} folds, digest {details['digest'][:12]}"
                + (f"; {len(missing)} input partition(s) not written" if missing else "")
            )
    if not manifests:
        reasons = "; ".join(f"{d}: {why}" for d, why in not_written.items())
        raise PreconditionError(f"no training set written ({reasons}): materialize features and labels first")
    return manifests, not_written


def _freeze(root: Location, folder: Location, inputs: Mapping[str, Mapping[str, str]], now_ms: int) -> dict:
    """Snapshots, beside the selection, of its inputs that may still be rewritten: those of today and
    yesterday (today's bars keep closing; yesterday's last labels become known after midnight).
    {dataset: {"COIN/DATE": snapshot file name}}; training reads these instead of the lake's."""
    frozen: dict[str, dict[str, str]] = {}
    for ds, named in inputs.items():
        for key, content in named.items():
            coin, date = key.split("/")
            if day_start_ms(date) + SETTLED_AFTER_MS > now_ms:
                frozen.setdefault(ds, {})[key] = snapshot(root, folder, ds, date, coin, content)
    return frozen


def stale_inputs(root: Location, manifest: Manifest) -> list[str]:
    """The input partitions of a training set that are gone or no longer hold what it recorded."""
    return stale(manifest, current_inputs(root, manifest))


def read_training_set(
    root: Location, date: str, coins: list[str] | None = None
) -> tuple[pd.DataFrame, Manifest]:
    """The rows of training set `date` (of `coins`, or all of its coins), read from the partitions it
    names, with its manifest; raises if any of them changed since or the rows differ from those recorded."""
    manifest = read_manifest(root, "training_set", date)
    if manifest is None:
        raise PreconditionError(f"no training_set partition for {date}: materialize training_set first")
    if not is_selection(manifest):
        raise PreconditionError(OLD_FORMAT.format(date=date, code=manifest.code_version))
    stale = stale_inputs(root, manifest)
    if stale:
        raise PreconditionError(
            f"training_set {date} no longer matches its inputs: {len(stale)} partition(s) changed since it "
            f"was built, e.g. {', '.join(stale[:3])}; materialize training_set for {date} again"
        )
    details = manifest.details
    wanted = list(details["coins"]) if coins is None else coins
    features, labels = read_inputs(root, manifest, wanted)
    spec, split = label_spec_of(details["labels"]), split_of(details["split"])
    frame, record = build_training_set(
        features, labels, as_of_ms=details["as_of"], spec=spec, split=split, feature_names=details["features"]
    )
    expected = {c: n for c, n in details["rows_by_coin"].items() if c in wanted}
    if record["rows_by_coin"] != expected or (coins is None and record["split"] != details["split"]):
        raise PreconditionError(
            f"training_set {date} resolves to {record['rows_by_coin']} rows by coin, not the {expected} "
            f"recorded (built by code {manifest.code_version}): materialize training_set for {date} again"
        )
    return frame, manifest


def is_selection(manifest: Manifest) -> bool:
    """Whether a training_set partition is a selection (not a copy of its rows, as before)."""
    return "digest" in manifest.details


def newest_training_set(root: Location, today: str, days_back: int = 30) -> str:
    """The newest written training_set partition on or before `today`."""
    for k in range(days_back + 1):
        date = shift(today, -k)
        if read_manifest(root, "training_set", date) is not None:
            return date
    raise PreconditionError(
        f"no training_set partition in the {days_back} days up to {today}: materialize training_set first"
    )

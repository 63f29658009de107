"""Training sets as selections: each partition names the feature and label partitions of its window
with their content hashes, the rows and folds they resolve to, and a digest; training reads the
named partitions back and refuses a selection whose inputs have changed since."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from hl_pipeline.errors import ConfigError, PreconditionError
from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.calendar import chunks, day_start_ms, days_between, shift
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.paths import partition_dir
from hl_pipeline.lake.reader import read_manifest, read_partition, read_range
from hl_pipeline.lake.schemas import SCHEMAS, TRAINING_SET
from hl_pipeline.lake.snapshots import manifest_of, prune, read_snapshot, snapshot
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.ml.folds import Fold
from hl_pipeline.ml.labels import LabelSpec
from hl_pipeline.ml.training_set import (
    LABEL_FIELDS,
    LabelledBars,
    SplitSpec,
    Window,
    build_training_set,
    describe,
    label_spec_of,
    labelled_bars,
    split_folds,
    split_of,
)
from hl_pipeline.steps.coin_days import Log, quiet

SOURCES = ("features", "labels")
CHECKED_FIELDS = ("fwd_log_return", "known_time")  # what the row selection and the leakage guard read
SETTLED_AFTER_MS = 2 * DAY_MS  # from a day's start until its feature and label partitions stop changing
Current = Callable[[str, str, str], "Manifest | None"]  # (dataset, coin, date) -> what it holds now
SPAN_DAYS = 92  # days of training sets resolved per read of their inputs (a window's reach is read again)
Key = tuple[str, str, str]  # dataset, coin, date


class _Inputs:
    """The manifests of the feature and label partitions over a span of days, each read once."""

    def __init__(self, root: Path, dates: list[str], coins: Iterable[str]):
        self.found: dict[Key, Manifest] = {
            (ds, coin, date): m
            for ds in SOURCES
            for date in dates
            for coin in coins
            if (m := read_manifest(root, ds, date, coin)) is not None
        }

    def current(self, ds: str, coin: str, date: str) -> Manifest | None:
        return self.found.get((ds, coin, date))

    def of(self, dates: list[str], coins: list[str]) -> tuple[dict[str, dict[str, str]], list[str]]:
        """({dataset: {"COIN/DATE": content hash}}, the partitions not written) of a window."""
        inputs: dict[str, dict[str, str]] = {ds: {} for ds in SOURCES}
        missing = []
        for ds in SOURCES:
            for date in dates:
                for coin in coins:
                    m = self.found.get((ds, coin, date))
                    if m is None:
                        missing.append(f"{ds} {coin}/{date}")
                    else:
                        inputs[ds][f"{coin}/{date}"] = m.content_hash
        return inputs, missing

    def table(self, inputs: Mapping[str, Mapping[str, str]]) -> pa.Table:
        """The selection itself, one row per input partition, in TRAINING_SET's schema."""
        rows = [
            (ds, coin, day_start_ms(date), digest, self.found[(ds, coin, date)].rows)
            for ds, named in inputs.items()
            for key, digest in named.items()
            for coin, date in [key.split("/")]
        ]
        columns: list = list(zip(*rows, strict=True)) if rows else [[]] * len(TRAINING_SET)
        return pa.Table.from_arrays(
            [pa.array(c, type=f.type) for c, f in zip(columns, TRAINING_SET, strict=True)],
            schema=TRAINING_SET,
        )


def _labelled(
    root: Path, dates: list[str], coins: list[str], spec: LabelSpec, fields: Iterable[str] = LABEL_FIELDS
) -> LabelledBars:
    """Every bar of `dates` with a feature row, joined to its labels' `fields` (no as-of cut yet)."""
    keys = read_range(root, "features", dates, coins, columns=["coin", "time"]).to_pandas()
    labels = read_range(root, "labels", dates, coins, columns=["coin", "time", "horizon_min", *fields])
    return LabelledBars(labelled_bars(keys, labels.to_pandas(), spec, ["coin", "time"]), spec.horizons_min)


def _span_ms(first: str, last: str) -> tuple[int, int]:
    return day_start_ms(first), day_start_ms(last) + DAY_MS


def digest(inputs: Mapping, details: Mapping) -> str:
    """What identifies a training set: its input partitions and hashes, as-of, features, labels, folds."""
    keys = ("as_of", "rows", "features", "labels", "split")
    text = json.dumps({"inputs": inputs, **{k: details[k] for k in keys}}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def build_training_partitions(
    root: Path,
    dates: list[str],
    window_days: int,
    coins: list[str],
    now_ms: int,
    spec: LabelSpec = LabelSpec(),
    split: SplitSpec = SplitSpec(),
    log: Log = quiet,
) -> list[Manifest]:
    """For each of `dates`, the training set as of the end of that day (or now, for today) over the
    `window_days` days ending it, written as a selection of its input partitions (31 days a pass)."""
    from hl_pipeline.ml.features.catalog import resolve

    names = [f.name for f in resolve(None)]
    manifests = []
    for chunk in chunks(dates, SPAN_DAYS):
        span = days_between(shift(chunk[0], -(window_days - 1)), chunk[-1])
        found = _Inputs(root, span, coins)
        bars = _labelled(root, span, coins, spec, CHECKED_FIELDS)
        for date in chunk:
            window = days_between(shift(date, -(window_days - 1)), date)
            inputs, missing = found.of(window, coins)
            as_of = min(day_start_ms(date) + DAY_MS, now_ms)
            rows = bars.window(*_span_ms(window[0], date), as_of)
            if not len(rows.times):
                raise PreconditionError(
                    f"no labelled feature rows in {window[0]}..{date}: materialize features and labels first"
                )
            _, _, split_record = split_folds(rows.times, spec, split)
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
    return manifests


def _freeze(root: Path, folder: Path, inputs: Mapping[str, Mapping[str, str]], now_ms: int) -> dict:
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


def _current(root: Path, manifest: Manifest, lake: Current | None = None) -> Current:
    """What each input of `manifest` holds now: its snapshot if it was frozen, else the lake's partition."""
    frozen = manifest.details.get("frozen", {})
    folder = partition_dir(root, "training_set", manifest.date)

    def current(ds: str, coin: str, date: str) -> Manifest | None:
        name = frozen.get(ds, {}).get(f"{coin}/{date}")
        if name is not None:
            return manifest_of(folder / name) if (folder / name).exists() else None
        return lake(ds, coin, date) if lake else read_manifest(root, ds, date, coin)

    return current


def _read_inputs(
    root: Path, manifest: Manifest, coins: list[str], label_fields: Iterable[str] = LABEL_FIELDS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The feature and label partitions `manifest` names for `coins`, snapshots where frozen."""
    frozen = manifest.details.get("frozen", {})
    folder = partition_dir(root, "training_set", manifest.date)
    frames = []
    for ds in SOURCES:
        tables = []
        for key in sorted(manifest.inputs.get(ds, {}), key=lambda k: k.split("/")[::-1]):
            coin, date = key.split("/")
            if coin not in coins:
                continue
            name = frozen.get(ds, {}).get(key)
            table = read_snapshot(folder / name, ds, coin) if name else read_partition(root, ds, date, coin)
            if table is not None:
                tables.append(table)
        table = pa.concat_tables(tables) if tables else SCHEMAS[ds].empty_table()
        if ds == "labels":
            table = table.select(["coin", "time", "horizon_min", *label_fields])
        frames.append(table.to_pandas())
    return frames[0], frames[1]


def _stale(manifest: Manifest, current: Current) -> list[str]:
    out = []
    for ds, named in manifest.inputs.items():
        for key, recorded in named.items():
            coin, date = key.split("/")
            now = current(ds, coin, date)
            if now is None:
                out.append(f"{ds} {key} (gone)")
            elif now.content_hash != recorded:
                out.append(f"{ds} {key} (recorded {recorded[:12]}, now {now.content_hash[:12]})")
    return out


def stale_inputs(root: Path, manifest: Manifest) -> list[str]:
    """The input partitions of a training set that are gone or no longer hold what it recorded."""
    return _stale(manifest, _current(root, manifest))


@dataclass
class Resolved:
    """A written training set checked against the lake: its inputs that changed, and the rows (times,
    coins, label known times) its selection resolves to now."""

    date: str
    manifest: Manifest
    stale: list[str]
    rows: Window

    @functools.cached_property
    def _split(self) -> tuple[list[Fold], dict]:
        details = self.manifest.details
        spec, split = label_spec_of(details["labels"]), split_of(details["split"])
        try:
            _, folds, record = split_folds(self.rows.times, spec, split)
        except ConfigError as e:  # too few rows left for the folds: nothing to judge leakage on
            return [], {"error": str(e)}
        return folds, record

    @property
    def folds(self) -> list[Fold]:
        """The recorded split's folds over the rows resolved now."""
        return self._split[0]

    def rows_match(self) -> bool:
        """The selection still resolves to the rows and folds recorded when it was built."""
        details = self.manifest.details
        if not len(self.rows.times):
            return details["rows"] == 0
        return self.rows.rows_by_coin() == details["rows_by_coin"] and self._split[1] == details["split"]


def resolve_written(root: Path, dates: list[str]) -> Iterator[tuple[str, Resolved | None]]:
    """Each of `dates` with its written training set resolved against the lake (None: not written);
    the inputs of SPAN_DAYS days are read once for all of them."""
    for chunk in chunks(dates, SPAN_DAYS):
        written = {d: m for d in chunk if (m := read_manifest(root, "training_set", d)) is not None}
        span = sorted(
            {key.split("/")[1] for m in written.values() for named in m.inputs.values() for key in named}
        )
        coins = sorted({c for m in written.values() for c in m.details["coins"]})
        found = _Inputs(root, span, coins)
        labelled: dict[str, LabelledBars] = {}
        for date in chunk:
            manifest = written.get(date)
            if manifest is None:
                yield date, None
                continue
            details = manifest.details
            spec = label_spec_of(details["labels"])
            if details.get("frozen"):  # some inputs are snapshots: resolve this one from its own files
                keys, labels = _read_inputs(root, manifest, details["coins"], CHECKED_FIELDS)
                bars = LabelledBars(labelled_bars(keys, labels, spec, ["coin", "time"]), spec.horizons_min)
            else:
                key = json.dumps(spec.describe(), sort_keys=True)
                if key not in labelled:
                    labelled[key] = _labelled(root, span, coins, spec, CHECKED_FIELDS)
                bars = labelled[key]
            window = sorted({k.split("/")[1] for named in manifest.inputs.values() for k in named}) or [date]
            rows = bars.window(*_span_ms(window[0], window[-1]), details["as_of"])
            if set(rows.rows_by_coin()) - set(details["coins"]):
                rows = rows.only(details["coins"])
            current = _current(root, manifest, found.current)
            yield date, Resolved(date, manifest, _stale(manifest, current), rows)


def read_training_set(root: Path, date: str, coins: list[str] | None = None) -> tuple[pd.DataFrame, Manifest]:
    """The rows of training set `date` (of `coins`, or all of its coins), read from the partitions it
    names, with its manifest; raises if any of them changed since or the rows differ from those recorded."""
    manifest = read_manifest(root, "training_set", date)
    if manifest is None:
        raise PreconditionError(f"no training_set partition for {date}: materialize training_set first")
    stale = stale_inputs(root, manifest)
    if stale:
        raise PreconditionError(
            f"training_set {date} no longer matches its inputs: {len(stale)} partition(s) changed since it "
            f"was built, e.g. {', '.join(stale[:3])}; materialize training_set for {date} again"
        )
    details = manifest.details
    wanted = list(details["coins"]) if coins is None else coins
    features, labels = _read_inputs(root, manifest, wanted)
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


def newest_training_set(root: Path, today: str, days_back: int = 30) -> str:
    """The newest written training_set partition on or before `today`."""
    for k in range(days_back + 1):
        date = shift(today, -k)
        if read_manifest(root, "training_set", date) is not None:
            return date
    raise PreconditionError(
        f"no training_set partition in the {days_back} days up to {today}: materialize training_set first"
    )

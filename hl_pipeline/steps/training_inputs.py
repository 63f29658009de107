"""What a training set selects: the manifests of its feature and label partitions, their labelled
bars read once for a span of days, and each input as it stands now (its snapshot if frozen)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pandas as pd
import pyarrow as pa

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.paths import partition_dir
from hl_pipeline.lake.quarantine import read_or_quarantine
from hl_pipeline.lake.reader import manifest_at, read_manifest, read_partition, read_range
from hl_pipeline.lake.schemas import SCHEMAS, TRAINING_SET
from hl_pipeline.lake.snapshots import read_snapshot
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.labels import LabelSpec
from hl_pipeline.ml.training_set import LABEL_FIELDS, LabelledBars, labelled_bars
from hl_pipeline.steps.coin_days import Versions

SOURCES = ("features", "labels")
CHECKED_FIELDS = ("fwd_log_return", "known_time")  # what the row selection and the leakage guard read
Current = Callable[[str, str, str], "Manifest | None"]  # (dataset, coin, date) -> what it holds now


class InputManifests(Versions):
    """The manifests of feature and label partitions, each read once (a range run's windows overlap)."""

    def current(self, ds: str, coin: str, date: str) -> Manifest | None:
        return self.manifest(ds, date, coin)

    def of(self, dates: list[str], coins: list[str]) -> tuple[dict[str, dict[str, str]], list[str]]:
        """({dataset: {"COIN/DATE": content hash}}, the partitions not written) of a window."""
        inputs = {ds: self(ds, dates, coins) for ds in SOURCES}
        missing = [
            f"{ds} {c}/{d}" for ds in SOURCES for d in dates for c in coins if f"{c}/{d}" not in inputs[ds]
        ]
        return inputs, missing

    def absent_inputs(self, dates: list[str], coins: list[str]) -> list[str]:
        """Optional inputs (the venues') missing on every feature row of a window."""
        from hl_pipeline.ml.features.catalog import OPTIONAL_INPUTS

        written = [m for d in dates for c in coins if (m := self.manifest("features", d, c)) is not None]
        missing = [m.details.get("rows_with_missing_input", {}) for m in written]
        return [
            name
            for name in OPTIONAL_INPUTS
            if all(flags.get(f"{name}_missing", m.rows) >= m.rows for flags, m in zip(missing, written))
        ]

    def table(self, inputs: Mapping[str, Mapping[str, str]]) -> pa.Table:
        """The selection itself, one row per input partition, in TRAINING_SET's schema."""
        rows = [
            (ds, coin, day_start_ms(date), digest, self.manifest(ds, date, coin).rows)  # type: ignore[union-attr]
            for ds, named in inputs.items()
            for key, digest in named.items()
            for coin, date in [key.split("/")]
        ]
        columns: list = list(zip(*rows, strict=True)) if rows else [[]] * len(TRAINING_SET)
        return pa.Table.from_arrays(
            [pa.array(c, type=f.type) for c, f in zip(columns, TRAINING_SET, strict=True)],
            schema=TRAINING_SET,
        )


def labelled(root: Location, dates: list[str], coins: list[str], spec: LabelSpec) -> LabelledBars:
    """Every bar of `dates` with a feature row, joined to its labels' CHECKED_FIELDS (no as-of cut yet)."""
    keys = read_range(root, "features", dates, coins, columns=["coin", "time"]).to_pandas()
    columns = ["coin", "time", "horizon_min", *CHECKED_FIELDS]
    labels = read_range(root, "labels", dates, coins, columns=columns).to_pandas()
    return LabelledBars(labelled_bars(keys, labels, spec, ["coin", "time"]), spec.horizons_min)


def span_ms(first: str, last: str) -> tuple[int, int]:
    return day_start_ms(first), day_start_ms(last) + DAY_MS


def current_inputs(root: Location, manifest: Manifest, lake: Current | None = None) -> Current:
    """What each input of `manifest` holds now: its snapshot if it was frozen, else the lake's partition."""
    frozen = manifest.details.get("frozen", {})
    folder = partition_dir(root, "training_set", manifest.date)

    def current(ds: str, coin: str, date: str) -> Manifest | None:
        name = frozen.get(ds, {}).get(f"{coin}/{date}")
        if name is not None:
            return read_or_quarantine(root, folder / name, manifest_at)
        return lake(ds, coin, date) if lake else read_manifest(root, ds, date, coin)

    return current


def read_inputs(
    root: Location, manifest: Manifest, coins: list[str], label_fields: Iterable[str] = LABEL_FIELDS
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
            table = (
                read_snapshot(root, folder / name, ds, coin) if name else read_partition(root, ds, date, coin)
            )
            if table is not None:
                tables.append(table)
        table = pa.concat_tables(tables) if tables else SCHEMAS[ds].empty_table()
        if ds == "labels":
            table = table.select(["coin", "time", "horizon_min", *label_fields])
        frames.append(table.to_pandas())
    return frames[0], frames[1]


def stale(manifest: Manifest, current: Current) -> list[str]:
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

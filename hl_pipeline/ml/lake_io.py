"""Features, labels and training sets between the lake and the ml functions: read each day's
inputs with exactly their declared lookback, write one partition per coin-day with a manifest
naming the input partitions and their content hashes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest, read_range
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.versioning import code_version
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.market.days import day_start_ms, iso_ms
from hl_pipeline.ml.features.compute import compute_features
from hl_pipeline.ml.features.registry import FLAGS, REFERENCE_COIN, bar_ms, lookback_days
from hl_pipeline.ml.labels import LabelSpec, compute_labels
from hl_pipeline.ml.training_set import SplitSpec, build_training_set

CHUNK_DAYS = 31  # days computed per pass: bounds memory on a year's backfill
Log = Callable[[str], None]


def shift(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def days_between(first: str, last: str) -> list[str]:
    n = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days
    return [shift(first, k) for k in range(n + 1)]


def _chunks(dates: list[str]) -> list[list[str]]:
    return [dates[i : i + CHUNK_DAYS] for i in range(0, len(dates), CHUNK_DAYS)]


def versions(root, dataset: str, dates: Iterable[str], coins: Iterable[str | None]) -> dict[str, str]:
    """{"COIN/DATE": content hash} of the written partitions among dates x coins."""
    out = {}
    for date in dates:
        for coin in coins:
            m = read_manifest(root, dataset, date, coin)
            if m is not None:
                out[f"{coin or 'all'}/{date}"] = m.content_hash
    return out


def _frame(root, dataset: str, dates: list[str], coins: list[str | None]) -> pd.DataFrame:
    table = read_range(root, dataset, dates, coins)
    if dataset == "candles":
        table = table.filter(pc.and_(pc.equal(table["interval"], "1m"), pc.equal(table["source"], "api")))
    return table.to_pandas()


def feature_inputs(root, first: str, last: str, coins: list[str], bar: str) -> dict[str, pd.DataFrame]:
    """Every input of the features of days first..last: those days plus each dataset's lookback."""
    return {
        dataset: _frame(
            root,
            dataset,
            days_between(shift(first, -back), last),
            [None] if dataset == "universe" else sorted({*coins, REFERENCE_COIN}),
        )
        for dataset, back in lookback_days(bar).items()
    }


def _dep_coins(dataset: str, coin: str) -> list[str | None]:
    """The partitions of `dataset` one coin's features depend on (candles: the reference coin's too)."""
    return (
        [None]
        if dataset == "universe"
        else sorted({coin, REFERENCE_COIN})
        if dataset == "candles"
        else [coin]
    )


def _bars_end(date: str, now_ms: int, step: int) -> int:
    """End of the bars of `date` that have closed by `now`."""
    return min(day_start_ms(date) + DAY_MS, now_ms // step * step)


def _manifest(
    dataset: str, date: str, coin: str, frame: pd.DataFrame, source: str, inputs: dict, details: dict
) -> Manifest:
    times = frame["time"]
    return Manifest(
        dataset=dataset,
        date=date,
        coin=coin,
        rows=len(frame),
        first_time=iso_ms(int(times.min().timestamp() * 1000)) if len(frame) else None,
        last_time=iso_ms(int(times.max().timestamp() * 1000)) if len(frame) else None,
        duplicates_dropped=0,
        source=source,
        ingest_time=dt.datetime.now(dt.UTC).isoformat(),
        code_version=code_version(),
        inputs=inputs,
        details=details,
    )


def build_features(
    root, dates: list[str], coins: list[str], now_ms: int, bar: str = "1m", log: Log = lambda _: None
) -> list[Manifest]:
    """Compute and write the features of `dates` (31 days per pass); today stops at the last closed bar."""
    step, reach = bar_ms(bar), lookback_days(bar)

    def describe(date: str, coin: str, part: pd.DataFrame):
        deps = {
            ds: versions(root, ds, days_between(shift(date, -back), date), _dep_coins(ds, coin))
            for ds, back in reach.items()
        }
        flags = {f: int(part[f].sum()) for f in FLAGS} if len(part) else {}
        return f"computed on {bar} bars", deps, {"bar": bar, "rows_with_missing_input": flags}

    manifests = []
    for chunk in _chunks(dates):
        inputs = feature_inputs(root, chunk[0], chunk[-1], coins, bar)
        start, end = day_start_ms(chunk[0]), _bars_end(chunk[-1], now_ms, step)
        frame = compute_features(inputs, start, end, bar=bar, coins=coins) if end > start else None
        written = _write_coin_days(root, "features", chunk, coins, frame, describe)
        log(f"features {chunk[0]}..{chunk[-1]}: {sum(m.rows for m in written)} rows")
        manifests += written
    return manifests


def build_labels(
    root,
    dates: list[str],
    coins: list[str],
    now_ms: int,
    spec: LabelSpec = LabelSpec(),
    log: Log = lambda _: None,
) -> list[Manifest]:
    """Labels of `dates` from each day's candles and the next day's; unknowable labels stay missing."""
    step = bar_ms(spec.bar)

    def describe(date: str, coin: str, part: pd.DataFrame):
        known = int(part["fwd_log_return"].notna().sum()) if len(part) else 0
        return (
            f"forward returns on {spec.bar} bars",
            {"candles": versions(root, "candles", [date, shift(date, 1)], [coin])},
            {"spec": spec.describe(), "known_labels": known, "unknown_labels": len(part) - known},
        )

    manifests = []
    for chunk in _chunks(dates):
        candles = _frame(root, "candles", days_between(chunk[0], shift(chunk[-1], 1)), coins)
        start, end = day_start_ms(chunk[0]), _bars_end(chunk[-1], now_ms, step)
        frame = compute_labels(candles, start, end, spec) if end > start else None
        written = _write_coin_days(root, "labels", chunk, coins, frame, describe)
        log(f"labels {chunk[0]}..{chunk[-1]}: {sum(m.rows for m in written)} rows")
        manifests += written
    return manifests


def _write_coin_days(
    root, dataset: str, dates: list[str], coins: list[str], frame: pd.DataFrame | None, describe
) -> list[Manifest]:
    """One partition per coin-day of a computed frame (None: nothing computed, empty partitions);
    `describe(date, coin, rows)` gives the manifest's (source, inputs, details)."""
    manifests = []
    for date in dates:
        for coin in coins:
            part = _day_rows(frame, dataset, date, coin)
            manifest = _manifest(dataset, date, coin, part, *describe(date, coin, part))
            write_partition(root, pa.Table.from_pandas(part, preserve_index=False), manifest)
            manifests.append(manifest)
    return manifests


def _day_rows(frame: pd.DataFrame | None, dataset: str, date: str, coin: str) -> pd.DataFrame:
    """The rows of one coin-day of a computed frame (an empty frame in the dataset's schema if none)."""
    if frame is None:
        return SCHEMAS[dataset].empty_table().to_pandas()
    start = pd.Timestamp(day_start_ms(date), unit="ms", tz="UTC")
    mask = (frame["coin"] == coin) & (frame["time"] >= start) & (frame["time"] < start + pd.Timedelta(days=1))
    return frame[mask].reset_index(drop=True)


def build_training_partition(
    root,
    date: str,
    window_days: int,
    coins: list[str],
    now_ms: int,
    spec: LabelSpec = LabelSpec(),
    split: SplitSpec = SplitSpec(),
    log: Log = lambda _: None,
) -> Manifest:
    """The training set as of the end of `date` (or now, for today) over the `window_days` days ending it."""
    dates = days_between(shift(date, -(window_days - 1)), date)
    features = read_range(root, "features", dates, coins).to_pandas()
    labels = read_range(root, "labels", dates, coins).to_pandas()
    if features.empty or labels.empty:
        raise ValueError(
            f"no features or labels written for {dates[0]}..{date}: materialize features and labels first"
        )
    as_of = min(day_start_ms(date) + DAY_MS, now_ms)
    inputs = {ds: versions(root, ds, dates, coins) for ds in ("features", "labels")}
    frame, record = build_training_set(
        features, labels, as_of_ms=as_of, spec=spec, split=split, inputs=inputs
    )
    details = {k: v for k, v in record.items() if k not in ("inputs", "content_hash", "dataset", "rows")}
    manifest = _manifest(
        "training_set",
        date,
        None,
        frame,
        f"features joined to labels over {dates[0]}..{date}",
        inputs,
        details,
    )
    write_partition(root, pa.Table.from_pandas(frame, preserve_index=False), manifest)
    log(
        f"training set {dates[0]}..{date}: {manifest.rows} rows, {len(record['split']['folds'])} folds, hash {manifest.content_hash[:12]}"
    )
    return manifest

"""The features of a range of days: read each day's inputs with exactly their declared lookback,
compute, write one partition per coin-day naming the input partitions and their hashes."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.lake.calendar import chunks, day_start_ms, days_between, shift
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.schemas import UNPARTITIONED_BY_COIN
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.features.catalog import FLAGS, REFERENCE_COIN, bar_ms, lookback_days
from hl_pipeline.ml.features.compute import compute_features
from hl_pipeline.steps.coin_days import Log, Versions, bars_end, input_frame, quiet, write_coin_days


def feature_inputs(
    root: Location, first: str, last: str, coins: list[str], bar: str
) -> dict[str, pd.DataFrame]:
    """Every input of the features of days first..last: those days plus each dataset's lookback."""
    return {
        dataset: input_frame(
            root,
            dataset,
            days_between(shift(first, -back), last),
            sorted({*coins, REFERENCE_COIN}),
        )
        for dataset, back in lookback_days(bar).items()
    }


def _dep_coins(dataset: str, coin: str) -> Sequence[str | None]:
    """The partitions of `dataset` one coin's features depend on (candles: the reference coin's too;
    wallet profiles: the one partition of each day)."""
    if dataset in UNPARTITIONED_BY_COIN:
        return [None]
    return sorted({coin, REFERENCE_COIN}) if dataset == "candles" else [coin]


def build_features(
    root: Location, dates: list[str], coins: list[str], now_ms: int, bar: str = "1m", log: Log = quiet
) -> list[Manifest]:
    """Compute and write the features of `dates` (31 days per pass); today stops at the last closed bar."""
    step, reach, versions = bar_ms(bar), lookback_days(bar), Versions(root)

    def describe(date: str, coin: str, part: pa.Table) -> tuple[str, dict, dict]:
        deps = {
            ds: versions(ds, days_between(shift(date, -back), date), _dep_coins(ds, coin))
            for ds, back in reach.items()
        }
        flags = {f: int(pc.sum(part[f]).as_py() or 0) for f in FLAGS} if part.num_rows else {}
        return f"computed on {bar} bars", deps, {"bar": bar, "rows_with_missing_input": flags}

    manifests = []
    for chunk in chunks(dates):
        inputs = feature_inputs(root, chunk[0], chunk[-1], coins, bar)
        start, end = day_start_ms(chunk[0]), bars_end(chunk[-1], now_ms, step)
        frame = compute_features(inputs, start, end, bar=bar, coins=coins) if end > start else None
        written = write_coin_days(root, "features", chunk, coins, frame, describe)
        log(f"features {chunk[0]}..{chunk[-1]}: {sum(m.rows for m in written)} rows")
        manifests += written
    return manifests

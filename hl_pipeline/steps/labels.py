"""The labels of a range of days from each day's candles and the next day's."""

from __future__ import annotations

import pyarrow as pa

from hl_pipeline.lake.calendar import chunks, day_start_ms, days_between, shift
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.features.catalog import bar_ms
from hl_pipeline.ml.labels import LabelSpec, compute_labels
from hl_pipeline.steps.coin_days import Log, Versions, bars_end, input_frame, quiet, write_coin_days


def build_labels(
    root: Location,
    dates: list[str],
    coins: list[str],
    now_ms: int,
    spec: LabelSpec = LabelSpec(),
    log: Log = quiet,
) -> list[Manifest]:
    """Labels of `dates` (31 days per pass); labels not knowable by `now` stay missing."""
    step, versions = bar_ms(spec.bar), Versions(root)

    def describe(date: str, coin: str, part: pa.Table) -> tuple[str, dict, dict]:
        known = part.num_rows - part["fwd_log_return"].null_count
        return (
            f"forward returns on {spec.bar} bars",
            {"candles": versions("candles", [date, shift(date, 1)], [coin])},
            {"spec": spec.describe(), "known_labels": known, "unknown_labels": part.num_rows - known},
        )

    manifests = []
    for chunk in chunks(dates):
        candles = input_frame(root, "candles", days_between(chunk[0], shift(chunk[-1], 1)), list(coins))
        start, end = day_start_ms(chunk[0]), bars_end(chunk[-1], now_ms, step)
        frame = compute_labels(candles, start, end, spec) if end > start else None
        written = write_coin_days(root, "labels", chunk, coins, frame, describe)
        log(f"labels {chunk[0]}..{chunk[-1]}: {sum(m.rows for m in written)} rows")
        manifests += written
    return manifests

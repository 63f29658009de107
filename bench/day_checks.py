"""The feature and label checks of one day (5 coins of 1m bars), as the check steps run them
day by day: the vectorised functions beside the row-by-row versions they replaced (kept here
as the baseline), on the same frames in the same run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pandas as pd

from bench.common import save, table
from bench.features_year import DAY, START, synthetic_inputs
from hl_pipeline_tests.ml.rolling_reference import rolling_inputs_complete

REPEATS = 7


def _baseline_label_days(labels: pd.DataFrame) -> pd.Series:
    """Before: every row's time formatted as text to group by day."""
    return labels["time"].dt.strftime("%Y-%m-%d")


def _timed(fn: Callable[[], object], repeats: int) -> list[float]:
    walls = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - started)
    return walls


def _row(what: str, walls: list[float]) -> dict:
    return {
        "what": what,
        "runs": len(walls),
        "median ms": f"{statistics.median(walls) * 1000:.1f}",
        "min-max ms": f"{min(walls) * 1000:.1f}-{max(walls) * 1000:.1f}",
    }


def main(repeats: int = REPEATS) -> dict:
    from hl_pipeline.ml.checks import inputs_complete, label_balance
    from hl_pipeline.ml.features.compute import compute_features
    from hl_pipeline.ml.labels import compute_labels

    inputs = synthetic_inputs(3)
    day = START + DAY  # the second day: a whole lookback behind it
    features = compute_features(inputs, START, START + 2 * DAY)
    features = features[features["time"] >= pd.Timestamp(day, unit="ms", tz="UTC")].reset_index(drop=True)
    labels = compute_labels(inputs["candles"], day, day + DAY)
    assert (
        inputs_complete(features, "1m").to_numpy() == rolling_inputs_complete(features, "1m").to_numpy()
    ).all()
    known = labels[labels["direction"].notna()]
    rows = [
        _row(
            "inputs_complete, baseline (rolling lambda)",
            _timed(lambda: rolling_inputs_complete(features, "1m"), repeats),
        ),
        _row("inputs_complete, vectorised", _timed(lambda: inputs_complete(features, "1m"), repeats)),
        _row(
            "label day keys, baseline (strftime per row)",
            _timed(lambda: _baseline_label_days(known), repeats),
        ),
        _row("label_balance, whole check", _timed(lambda: label_balance(labels), repeats)),
    ]
    print(f"one day: {len(features)} feature rows, {len(labels)} label rows")
    print(table(rows))
    payload = {"feature_rows": len(features), "label_rows": len(labels), "rows": rows}
    save("day_checks", payload)
    return payload


if __name__ == "__main__":
    main()

"""A day's predictions: each target's champion scoring that day's features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest, read_partition
from hl_pipeline.lake.schemas import PREDICTIONS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.registry.tracking import Tracking
from hl_pipeline.steps.coin_days import Log, quiet


def predict_day(
    root: Location,
    tracking: Tracking,
    keys: list[TargetKey],
    date: str,
    min_edge: float,
    log: Log = quiet,
) -> list[Manifest]:
    """Score `date`'s features of every target's coin with its champion, with the served position
    (trading.position at `min_edge`); one partition per coin. Targets without a champion are skipped
    (and said so in the manifest)."""
    from hl_pipeline.ml.models.trading import position
    from hl_pipeline.registry.aliases import CHAMPION, version_at
    from hl_pipeline.registry.errors import RegistryError
    from hl_pipeline.registry.loading import load

    by_coin: dict[str, list[pd.DataFrame]] = {}
    skipped: dict[str, list[str]] = {}
    day = {coin: read_partition(root, "features", date, coin) for coin in dict.fromkeys(k.coin for k in keys)}
    for key in keys:
        features = day[key.coin]
        by_coin.setdefault(key.coin, [])
        try:
            champion = version_at(tracking, key.model_name, CHAMPION)
        except RegistryError:
            champion = None
        if features is None or champion is None:
            why = "no features" if features is None else "no champion yet"
            skipped.setdefault(key.coin, []).append(f"{key.key}: {why}")
            continue
        frame = features.to_pandas()
        model = load(tracking, key.model_name)
        scored = model.predict(frame[model.metadata.get_input_schema().input_names()])
        out = pd.DataFrame(
            {
                "coin": frame["coin"],
                "time": frame["time"],
                "horizon_min": key.horizon_min,
                "model_name": key.model_name,
                "model_version": str(champion.version),
            }
        )
        no_bar = frame["candles_missing"].to_numpy()  # no bar, no prediction
        # The targets are binary (the dead zone carries no direction), so there is no flat class.
        for column in ("pred_class", "score", "prob_down", "prob_up"):
            values = scored[column].to_numpy(dtype=float) if column in scored else np.full(len(frame), np.nan)
            out[column] = np.where(no_bar, np.nan, values)
        out["pred_class"] = out["pred_class"].astype("Int8")
        served = np.where(no_bar, np.nan, position(out["score"].to_numpy(dtype=float), min_edge))
        out["position"] = pd.array(served, dtype="Int8")
        by_coin[key.coin].append(out)
        log(f"predictions {date} {key.key}: {len(out)} rows from {key.model_name} v{champion.version}")
    return [_write(root, date, coin, parts, skipped.get(coin, [])) for coin, parts in by_coin.items()]


def _write(root: Location, date: str, coin: str, parts: list[pd.DataFrame], skipped: list[str]) -> Manifest:
    if parts:
        table = pa.Table.from_pandas(pd.concat(parts, ignore_index=True), preserve_index=False)
    else:
        table = PREDICTIONS.empty_table()
    features = read_manifest(root, "features", date, coin)
    models = sorted({f"{p['model_name'].iloc[0]} v{p['model_version'].iloc[0]}" for p in parts if len(p)})
    manifest = Manifest.for_table(
        "predictions",
        date,
        coin,
        table,
        "champion models",
        inputs={"features": {f"{coin}/{date}": features.content_hash if features else None}},
        details={"skipped": skipped, "models": models},
    )
    write_partition(root, table.sort_by([("time", "ascending"), ("horizon_min", "ascending")]), manifest)
    return manifest

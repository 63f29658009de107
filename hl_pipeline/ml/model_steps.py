"""The model steps between the lake and the registry: train and register a target, gate its
promotion, score a day's features with the champions, backtest a champion's walk-forward predictions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest, read_partition
from hl_pipeline.lake.schemas import PREDICTIONS
from hl_pipeline.lake.versioning import code_version
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.market.days import iso_ms
from hl_pipeline.ml.features.registry import bar_ms
from hl_pipeline.ml.models.targets import TargetKey, target_rows
from hl_pipeline.registry.aliases import newest_version

Log = Callable[[str], None]


def newest_training_set(root: Path, today: str, days_back: int = 30) -> str:
    """The newest written training_set partition on or before `today`."""
    day = dt.date.fromisoformat(today)
    for k in range(days_back + 1):
        date = (day - dt.timedelta(days=k)).isoformat()
        if read_manifest(root, "training_set", date) is not None:
            return date
    raise ValueError(
        f"no training_set partition in the {days_back} days up to {today}: materialize training_set first"
    )


@dataclass(frozen=True)
class Trained:
    key: TargetKey
    version: str
    run_id: str
    run_url: str
    training_date: str
    training_hash: str
    aggregate: dict
    rows: int


def train_target(
    root: Path,
    tracking,
    key: TargetKey,
    today: str,
    *,
    bar: str,
    xgb,
    tags: dict[str, str],
    ui_url: str,
    log: Log = lambda _: None,
) -> Trained:
    """Walk-forward evaluate `key` on the newest training set, log the run, register a version."""
    from hl_pipeline.ml.models.config import WalkForward
    from hl_pipeline.ml.models.walkforward import evaluate
    from hl_pipeline.registry.evaluations import log_evaluation
    from hl_pipeline.registry.runs import log_training

    date = newest_training_set(root, today)
    manifest = read_manifest(root, "training_set", date)
    frame = read_partition(root, "training_set", date).to_pandas()
    rows, target, folds = target_rows(frame, manifest.details, key, bar_ms(bar))
    log(f"{key.key}: training on {len(rows)} rows of training_set {date} ({len(folds)} folds)")
    ev = evaluate(rows, target, xgb=xgb, walk=WalkForward(n_folds=len(folds)), folds=folds)
    logged = log_training(
        tracking,
        key.model_name,
        ev,
        tags={
            **tags,
            "training_set.date": date,
            "training_set.content_hash": manifest.content_hash,
            "target": key.key,
        },
    )
    log_evaluation(tracking, logged.run_id, ev)
    return Trained(
        key,
        logged.version,
        logged.run_id,
        logged.run_url(ui_url),
        date,
        manifest.content_hash,
        ev.aggregate,
        len(ev.rows),
    )


def promote(tracking, key: TargetKey, gate_config):
    """Gate the newest version of `key`'s model against its champion and move the aliases."""
    from hl_pipeline.registry.evaluations import load_evaluation
    from hl_pipeline.registry.promotion import promote_or_hold
    from hl_pipeline.registry.runs import LoggedModel

    newest = newest_version(tracking, key.model_name)
    if newest is None:
        raise ValueError(f"no registered version of {key.model_name}: materialize model for {key.key} first")
    ev = load_evaluation(tracking, newest.run_id)
    logged = LoggedModel(
        key.model_name, str(newest.version), newest.run_id, "", f"models:/{key.model_name}/{newest.version}"
    )
    return newest.version, promote_or_hold(tracking, logged, ev, gate_config)


def predict_day(
    root: Path, tracking, keys: list[TargetKey], date: str, log: Log = lambda _: None
) -> list[Manifest]:
    """Score `date`'s features of every target's coin with its champion; one partition per coin.
    Targets without a champion are skipped (and said so in the manifest)."""
    from hl_pipeline.registry.aliases import CHAMPION, version_at
    from hl_pipeline.registry.errors import RegistryError
    from hl_pipeline.registry.promotion import load

    by_coin: dict[str, list[pd.DataFrame]] = {}
    skipped: dict[str, list[str]] = {}
    day = {coin: read_partition(root, "features", date, coin) for coin in dict.fromkeys(k.coin for k in keys)}
    for key in keys:
        features = day[key.coin]
        try:
            champion = version_at(tracking, key.model_name, CHAMPION)
        except RegistryError:
            champion = None
        if features is None or champion is None:
            skipped.setdefault(key.coin, []).append(
                f"{key.key}: {'no features' if features is None else 'no champion yet'}"
            )
            by_coin.setdefault(key.coin, [])
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
        for column in ("pred_class", "score", "prob_down", "prob_flat", "prob_up"):
            values = scored[column].to_numpy(dtype=float) if column in scored else np.full(len(frame), np.nan)
            out[column] = np.where(
                frame["candles_missing"].to_numpy(), np.nan, values
            )  # no bar, no prediction
        out["pred_class"] = out["pred_class"].astype("Int8")
        by_coin.setdefault(key.coin, []).append(out)
        log(f"predictions {date} {key.key}: {len(out)} rows from {key.model_name} v{champion.version}")
    manifests = []
    for coin, parts in by_coin.items():
        table = (
            pa.Table.from_pandas(pd.concat(parts, ignore_index=True), preserve_index=False)
            if parts
            else PREDICTIONS.empty_table()
        )
        times = table.column("time").cast(pa.int64()).to_pylist()
        manifest = Manifest(
            dataset="predictions",
            date=date,
            coin=coin,
            rows=table.num_rows,
            first_time=iso_ms(min(times)) if times else None,
            last_time=iso_ms(max(times)) if times else None,
            duplicates_dropped=0,
            source="champion models",
            ingest_time=dt.datetime.now(dt.UTC).isoformat(),
            code_version=code_version(),
            inputs={
                "features": {
                    f"{coin}/{date}": getattr(
                        read_manifest(root, "features", date, coin), "content_hash", None
                    )
                }
            },
            details={
                "skipped": skipped.get(coin, []),
                "models": sorted(
                    {f"{p['model_name'].iloc[0]} v{p['model_version'].iloc[0]}" for p in parts if len(p)}
                ),
            },
        )
        write_partition(root, table.sort_by([("time", "ascending"), ("horizon_min", "ascending")]), manifest)
        manifests.append(manifest)
    return manifests


def backtest_champion(tracking, key: TargetKey, config, out_dir: Path, bar: str):
    """Backtest the walk-forward (out-of-sample) predictions of the champion, or of the newest
    version while there is none; returns (what was backtested, Backtest, png)."""
    from hl_pipeline.ml.models.backtest import run
    from hl_pipeline.ml.models.plots import equity_png
    from hl_pipeline.registry.aliases import CHAMPION, version_at
    from hl_pipeline.registry.evaluations import load_evaluation

    champion = version_at(tracking, key.model_name, CHAMPION)
    if champion is None:
        champion = newest_version(tracking, key.model_name)
        label = f"v{champion.version} (newest; no champion yet)"
    else:
        label = f"v{champion.version} (champion)"
    ev = load_evaluation(tracking, champion.run_id)
    preds = ev.oos.rename(columns={f"score_{ev.primary}": "score"})[["coin", "time", "score", "ret"]]
    result = run(
        preds, ret="ret", horizon_bars=max(1, key.horizon_min * 60_000 // bar_ms(bar)), config=config
    )
    png = equity_png(
        result.equity, out_dir / f"{key.key}_equity.png", title=f"{key.model_name} {label} walk-forward"
    )
    client = tracking.client()
    client.log_artifact(champion.run_id, str(png), "backtest")
    for name, value in result.stats.items():
        if np.isfinite(value):
            client.log_metric(champion.run_id, f"backtest.{name}", float(value))
    return label, result, png

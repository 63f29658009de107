"""Live truth: a day's served predictions scored once their labels are known, the served features'
drift against the serving version's training distribution, and the decay rule.

Per target and day, over the served bars (a score was given) whose label at the target's horizon
is known; the rest are `pending` and scored by no measure: accuracy on the bars outside the dead
zone, IC (Spearman of score and forward log return), and the served strategy (trading.py, held for
the horizon) traded from flat over the scored bars, net of costs. Drift: the PSI of each model
feature over all served bars against `diagnostics/drift_reference.json` of the serving version's
run; `drifted` lists those at or above PSI_MAJOR.

Decay rule: `trailing_sharpe` is the annualised Sharpe ratio of every per-bar net return of the
last up to TRAILING_DAYS days, this one included, that the same version served (earlier days as
stored in `live_scores`, pooled exactly from their bar count, mean and deviation); the target has
`decayed` when it is significantly below `champion_lcb`, the version's `oos_net_sharpe_lcb` logged
at promotion: its one-sided 95% upper bound (Lo's 2002 standard error of a Sharpe ratio over the
trailing bars) is below that bound, so a single noisy day does not cry wolf.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest, read_partition, read_range
from hl_pipeline.lake.schemas import LIVE_SCORES
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.ml.drift import PSI_MAJOR, psi_table
from hl_pipeline.ml.models.config import TradingConfig
from hl_pipeline.ml.models.metrics import ic, per_year
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.quality.outcome import WARN, CheckOutcome, jsonable
from hl_pipeline.registry.tracking import Tracking
from hl_pipeline.steps.coin_days import Log, quiet

TRAILING_DAYS = 7
DECAY_Z = 1.645  # one-sided 5%
REFERENCE = "drift_reference.json"  # under the run's diagnostics/ folder
MARKET = ("ret_1", "spread_bps", "depth_10bps", "funding_rate")
INPUTS = ("predictions", "labels", "features")


@dataclass(frozen=True)
class Served:
    """What the serving version promised: its run's net Sharpe lower bound and training distribution."""

    lcb: float
    reference: dict[str, dict[str, Any]]


def served_version(tracking: Tracking, name: str, version: str) -> Served:
    """The `oos_net_sharpe_lcb` (NaN if never promoted) and drift reference ({} if absent) of a version."""
    from mlflow.exceptions import MlflowException

    client = tracking.client()
    run = client.get_run(client.get_model_version(name, version).run_id)
    lcb = float(run.data.metrics.get("oos_net_sharpe_lcb", math.nan))
    try:
        path = tracking.local_artifacts(f"{run.info.artifact_uri}/diagnostics") / REFERENCE
        reference = json.loads(path.read_text()) if path.exists() else {}
    except (MlflowException, OSError):
        reference = {}
    return Served(lcb, reference)


def score_days(
    root: Location, tracking: Tracking, keys: list[TargetKey], dates: Iterable[str], trading: TradingConfig,
    log: Log = quiet,
) -> list[Manifest]:  # fmt: skip
    """`score_day` for every date, oldest first: each day's trailing window reads the days before it."""
    versions = functools.cache(lambda name, version: served_version(tracking, name, version))
    return [score_day(root, tracking, keys, d, trading, log, versions) for d in sorted(dates)]


def score_day(
    root: Location, tracking: Tracking, keys: list[TargetKey], date: str, trading: TradingConfig,
    log: Log = quiet, versions: Callable[[str, str], Served] | None = None,
) -> Manifest:  # fmt: skip
    """One `live_scores` partition for `date`: a row per target with predictions that day
    (`versions`: a cached `served_version` over the same store)."""
    versions = versions or functools.partial(served_version, tracking)
    coins = list(dict.fromkeys(k.coin for k in keys))
    day = {(name, c): read_partition(root, name, date, c) for name in INPUTS for c in coins}
    history = _history(root, date)
    rows, skipped = [], []
    for key in keys:
        predictions, labels, features = (day[(name, key.coin)] for name in INPUTS)
        bars = served_bars(predictions, labels, features, key)
        if bars is None:
            skipped.append(f"{key.key}: no predictions")
            continue
        version = str(bars["model_version"].mode().iloc[0])
        bars = bars[bars["model_version"] == version]
        row = {
            "time": pd.Timestamp(day_start_ms(date), unit="ms", tz="UTC"),
            "target": key.key,
            "model_name": key.model_name,
            "model_version": version,
            **truth(bars, _hold_bars(key, trading), trading),
        }
        served = versions(key.model_name, version)
        row |= {"champion_lcb": served.lcb, **drift(bars, served.reference)}
        earlier = history[(history["target"] == key.key) & (history["model_version"] == version)]
        row["trailing_sharpe"] = pooled_sharpe(
            [*earlier["net_bars"], row["net_bars"]], [*earlier["net_mean"], row["net_mean"]],
            [*earlier["net_sd"], row["net_sd"]], trading.bar_ms,
        )  # fmt: skip
        trailing_bars = float(np.nansum([*earlier["net_bars"], row["net_bars"]]))
        row["decayed"] = significantly_below(
            row["trailing_sharpe"], trailing_bars, row["champion_lcb"], trading.bar_ms
        )
        rows.append(row)
        log(
            f"live_scores {date} {key.key} v{version}: {row['bars']} bars scored, {row['pending']} pending, "
            f"net Sharpe {row['net_sharpe']:.2f}, trailing {row['trailing_sharpe']:.2f} against lower bound "
            f"{row['champion_lcb']:.2f}, max PSI {row['max_psi']:.3f}"
        )
    return _write(root, date, coins, rows, skipped)


def served_bars(
    predictions: pa.Table | None, labels: pa.Table | None, features: pa.Table | None, key: TargetKey
) -> pd.DataFrame | None:
    """The target's scored bars of one coin-day with their label (`fwd_log_return`, `direction`; null
    while unknown) and feature values; None without any."""
    if predictions is None:
        return None
    frame = predictions.to_pandas()
    frame = frame[(frame["model_name"] == key.model_name) & frame["score"].notna()]
    if frame.empty:
        return None
    label_columns = ["time", "fwd_log_return", "direction"]
    if labels is not None:
        known = labels.to_pandas()
        known = known.loc[known["horizon_min"] == key.horizon_min, label_columns]
    else:
        known = pd.DataFrame({c: pd.Series(dtype="float64") for c in label_columns})
        known["time"] = pd.Series(dtype="datetime64[ms, UTC]")
    frame = frame.merge(known, on="time", how="left")
    if features is not None:
        values = features.to_pandas().drop(columns=["coin"])
        frame = frame.merge(values, on="time", how="left")
    return frame.sort_values("time").reset_index(drop=True)


def truth(bars: pd.DataFrame, hold_bars: int, trading: TradingConfig) -> dict[str, Any]:
    """Counts, accuracy, IC and the served strategy's net returns over the bars whose label is known."""
    from hl_pipeline.ml.models.trading import portfolio_returns

    known = bars[bars["fwd_log_return"].notna()]
    direction = known["direction"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    labelled = direction != 0
    out: dict[str, Any] = {
        "bars": len(known),
        "labelled": int(labelled.sum()),
        "pending": len(bars) - len(known),
    }
    predicted = known["pred_class"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    out["accuracy"] = (
        float(np.mean(predicted[labelled] == direction[labelled])) if labelled.any() else math.nan
    )
    score = known["score"].to_numpy(dtype=float)
    out["ic"] = ic(score, known["fwd_log_return"].to_numpy(dtype=float))
    market = known.assign(**{c: known.get(c, np.nan) for c in MARKET})
    net = (
        portfolio_returns(market, "score", horizon_bars=hold_bars, config=trading)["net"].to_numpy(
            dtype=float
        )
        if len(known)
        else np.empty(0)
    )
    sd = float(net.std(ddof=1)) if len(net) > 1 else math.nan
    out |= {
        "net_return": float(np.prod(1.0 + net) - 1.0) if len(net) else math.nan,
        "net_bars": len(net),
        "net_mean": float(net.mean()) if len(net) else math.nan,
        "net_sd": sd,
    }
    out["net_sharpe"] = pooled_sharpe([len(net)], [out["net_mean"]], [sd], trading.bar_ms)
    return out


def drift(bars: pd.DataFrame, reference: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The largest PSI over the served bars (NaN without a reference) and the features at or above
    PSI_MAJOR, largest first. Calendar features are left out: a day's hours and weekday differ from
    any longer window's by construction."""
    from hl_pipeline.ml.features.catalog import REGISTRY

    measured = {k: v for k, v in reference.items() if k not in REGISTRY or REGISTRY[k].group != "calendar"}
    table = psi_table(measured, bars) if measured else pd.DataFrame({"feature": [], "psi": []})
    shifted = table.loc[table["psi"] >= PSI_MAJOR, "feature"]
    top = table["psi"].max() if len(table) else math.nan
    return {"max_psi": float(top) if pd.notna(top) else math.nan, "drifted": ",".join(shifted)}


def pooled_sharpe(n: Sequence[float], mean: Sequence[float], sd: Sequence[float], bar_ms: int) -> float:
    """Annualised Sharpe ratio of the bars of several series given each one's count, mean and
    deviation (ddof 1): exact, as if concatenated. NaN below 2 bars, 0 without variation."""
    count = np.asarray(n, dtype=float)
    keep = (count > 0) & np.isfinite(np.asarray(mean, dtype=float))
    count, m = count[keep], np.asarray(mean, dtype=float)[keep]
    s = np.nan_to_num(np.asarray(sd, dtype=float)[keep])  # one bar: no deviation of its own
    total = count.sum()
    if total < 2:
        return math.nan
    grand = float((count * m).sum() / total)
    var = (((count - 1) * s**2).sum() + (count * (m - grand) ** 2).sum()) / (total - 1)
    return grand / math.sqrt(var) * per_year(bar_ms) if var > 0 else 0.0


def significantly_below(sharpe: float, bars: float, bound: float, bar_ms: int) -> bool:
    """Whether an annualised Sharpe ratio measured on `bars` bars is below `bound` at one-sided 5%:
    its upper bound, with Lo's (2002) i.i.d. standard error sqrt((1 + s^2 / 2) / n) of the per-bar
    ratio s, is below it. False when either figure is NaN."""
    if not (math.isfinite(sharpe) and math.isfinite(bound)) or bars < 2:
        return False
    annual = per_year(bar_ms)
    per_bar = sharpe / annual
    se = math.sqrt((1 + per_bar * per_bar / 2) / bars) * annual
    return bool(sharpe + DECAY_Z * se < bound)


def holding_up(root: Location, date: str) -> CheckOutcome:
    """`champion_holding_up` on one day: no target decayed (its trailing net Sharpe significantly below
    its own lower bound). Drifted features are named beside, but do not fail it alone: a day's
    distribution of a slow feature differs from a short training window's without the model decaying."""
    table = read_partition(root, "live_scores", date)
    if table is None:
        return CheckOutcome(
            "champion_holding_up", date, False, WARN, f"no live_scores partition for {date}", {}
        )
    rows = table.to_pandas()
    bad = rows[rows["decayed"]]
    drifting = rows[~rows["decayed"] & (rows["max_psi"] >= PSI_MAJOR)]
    failing = [_failing(r) for r in bad.to_dict("records")]
    text = "; ".join(
        f"{f['target']} v{f['model_version']}: "
        + ("decayed" if f["decayed"] else "holding up")
        + f" (trailing net Sharpe {f['trailing_sharpe']:.2f}, lower bound {f['champion_lcb']:.2f})"
        + (f", drifted {f['drifted']} (max PSI {f['max_psi']:.2f})" if f["drifted"] else "")
        for f in failing
    )
    passed = not failing
    drifted = "; ".join(
        f"{r['target']}: drifted {r['drifted']} (max PSI {r['max_psi']:.2f})"
        for r in drifting.to_dict("records")
    )
    description = (f"{len(rows)} champion(s) hold up" if passed else text) + (
        f"; {drifted}" if drifted else ""
    )
    return CheckOutcome(
        "champion_holding_up",
        date,
        passed,
        WARN,
        description,
        {"targets": len(rows), "failing": jsonable(failing)},
    )


def day_table(root: Location, date: str) -> list[dict[str, Any]]:
    """The day's rows, rounded for display."""
    table = read_partition(root, "live_scores", date)
    if table is None:
        return []
    out = table.drop_columns(["time", "net_mean", "net_sd"]).to_pandas()
    return [
        {k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()} for r in out.to_dict("records")
    ]


def _failing(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("target", "model_version", "decayed", "trailing_sharpe", "champion_lcb", "max_psi", "drifted")
    return {k: row[k] for k in keys}


def _hold_bars(key: TargetKey, trading: TradingConfig) -> int:
    return max(1, key.horizon_min * 60_000 // trading.bar_ms)


def _history(root: Location, date: str) -> pd.DataFrame:
    """The stored rows of the TRAILING_DAYS - 1 days before `date`."""
    day = dt.date.fromisoformat(date)
    before = [(day - dt.timedelta(days=k)).isoformat() for k in range(TRAILING_DAYS - 1, 0, -1)]
    return read_range(root, "live_scores", before).to_pandas()


def _write(root: Location, date: str, coins: list[str], rows: list[dict], skipped: list[str]) -> Manifest:
    frame = pd.DataFrame(rows, columns=LIVE_SCORES.names)
    table = pa.Table.from_pandas(frame, schema=LIVE_SCORES, preserve_index=False)
    inputs = {
        name: {
            f"{c}/{date}": m.content_hash if (m := read_manifest(root, name, date, c)) else None
            for c in coins
        }
        for name in INPUTS
    }
    manifest = Manifest.for_table(
        "live_scores", date, None, table, "served predictions and their labels", inputs=inputs,
        details={"skipped": skipped, "trailing_days": TRAILING_DAYS, "psi_major": PSI_MAJOR},
    )  # fmt: skip
    write_partition(root, table.sort_by("target"), manifest)
    return manifest

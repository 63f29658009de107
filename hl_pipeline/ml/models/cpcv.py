"""Combinatorial purged cross-validation of the chosen candidate: many out-of-sample histories
instead of one walk-forward path.

The bars are cut into `n_groups` groups; each split fits the candidate on the purged, embargoed
training groups and predicts its `n_test_groups` test groups; the splits' predictions are
recombined into C(n_groups - 1, n_test_groups - 1) paths, each a whole out-of-sample history
traded as served (trading.py). The spread of the paths' net Sharpe ratios says how much one
walk-forward path's figure owes to where its folds happened to fall.

With `non_overlapping` (the default) each split trains on every `hold_bars`-th bar only, so no two
training labels share a bar (the classical answer to overlapping outcomes, Lopez de Prado 2018,
ch. 4): a 15-bar target on 1m bars fits on a fifteenth of the rows, which keeps CPCV's ten fits
cheap on a year of bars. Those fits see fewer rows than the served model, so the paths tend to
understate it; predictions are still made on every test bar.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from hl_pipeline.ml.folds import Split, cpcv_paths, cpcv_splits, time_groups
from hl_pipeline.ml.models import metrics
from hl_pipeline.ml.models.config import CPCVConfig, TradingConfig, XGBConfig
from hl_pipeline.ml.models.predictor import fit, matrix, training_rows
from hl_pipeline.ml.models.target_spec import encode
from hl_pipeline.ml.models.trading import market_columns, portfolio_returns
from hl_pipeline.ml.models.walkforward import Evaluation, times_ms


@dataclass(frozen=True)
class PathRecord:
    """Net-of-cost figures of every path of the chosen candidate."""

    candidate: str
    n_groups: int
    n_test_groups: int
    n_splits: int
    net_sharpes: list[float]  # annualised, one per path
    net_returns: list[float]  # compounded, one per path

    def metrics(self) -> dict[str, float]:
        """The figures MLflow keeps by fixed names."""
        s = np.asarray(self.net_sharpes, dtype=float)
        return {
            "cpcv_net_sharpe_median": float(np.median(s)),
            "cpcv_net_sharpe_min": float(s.min()),
            "cpcv_paths_positive": float(np.mean(s > 0)),
        }

    def as_dict(self) -> dict:
        return asdict(self)


def paths(
    ev: Evaluation,
    *,
    xgb: XGBConfig = XGBConfig(),
    trading: TradingConfig = TradingConfig(),
    config: CPCVConfig = CPCVConfig(),
) -> tuple[PathRecord, pd.DataFrame]:
    """Refit `ev`'s chosen candidate on every split and trade each path. Returns the record and the
    paths' net returns (columns time, path, net) for plotting."""
    rows, target = ev.rows, ev.target
    labelled = rows[target.label].notna().to_numpy()
    codes = np.full(len(rows), -1, dtype=np.int64)
    codes[labelled], _ = encode(rows.loc[labelled, target.label].to_numpy().astype(np.int64), ev.classes)
    t = times_ms(rows)
    splits = cpcv_splits(
        t,
        n_groups=config.n_groups,
        n_test_groups=config.n_test_groups,
        horizon_ms=target.horizon_ms,
        embargo_ms=config.embargo_ms,
    )
    trainable = labelled.copy()
    if config.non_overlapping and target.hold_bars > 1:
        trainable &= (t // trading.bar_ms) % target.hold_bars == 0
    x = matrix(rows, target.features)
    scores = np.full((len(splits), len(rows)), np.nan)

    one = replace(xgb, nthread=1)

    def score(split: Split) -> None:
        train = split.train[trainable[split.train]]
        model = fit(ev.primary, *training_rows(x[train], codes[train]), ev.classes, target.features, one)
        scores[split.index, split.test] = model.predict_from_proba(model.proba_matrix(x[split.test]))

    # the splits' fits are small (every hold_bars-th bar), so `xgb.nthread` of them at once on one
    # thread each use the cores better than one at a time on all; each writes its own row of `scores`
    with ThreadPoolExecutor(max(1, xgb.nthread)) as pool:
        list(pool.map(score, splits))
    market = market_columns(rows)
    base = rows[["coin", "time", target.ret, *market]].rename(columns={target.ret: "ret"})
    group_of, _, _ = time_groups(t, config.n_groups)
    per_year = metrics.per_year(trading.bar_ms)
    sharpes, returns, curves = [], [], []
    for p, row in enumerate(cpcv_paths(config.n_groups, config.n_test_groups)):
        bars = base.assign(score=scores[row[group_of], np.arange(len(rows))])
        net = portfolio_returns(bars, "score", horizon_bars=target.hold_bars, config=trading)
        r = net["net"].to_numpy(dtype=float)
        sd = r.std(ddof=1) if len(r) > 1 else 0.0
        sharpes.append(float(r.mean() / sd * per_year) if sd > 0 else 0.0)
        returns.append(float(np.prod(1.0 + r) - 1.0))
        curves.append(pd.DataFrame({"time": net["time"], "path": p, "net": r}))
    record = PathRecord(ev.primary, config.n_groups, config.n_test_groups, len(splits), sharpes, returns)
    return record, pd.concat(curves, ignore_index=True)

"""Backtesting a champion's walk-forward (out-of-sample) predictions, with its equity plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hl_pipeline.errors import PreconditionError
from hl_pipeline.lake.paths import report_dir
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.models.backtest import Backtest
from hl_pipeline.ml.models.config import BacktestConfig, TradingConfig
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.registry.tracking import Tracking


def backtest_champion(
    tracking: Tracking,
    key: TargetKey,
    trading: TradingConfig,
    config: BacktestConfig,
    lake_root: Location,
) -> tuple[str, Backtest, Path]:
    """Trade the champion's out-of-sample predictions (every walk-forward test bar) as served, or the
    newest version's while there is no champion; returns (what was backtested, the backtest, its equity
    PNG under the lake's reports/backtest folder)."""
    from hl_pipeline.ml.models.backtest import run
    from hl_pipeline.ml.models.plots import equity_png
    from hl_pipeline.registry.aliases import CHAMPION, newest_version, version_at
    from hl_pipeline.steps.training import stored_evaluation

    champion = version_at(tracking, key.model_name, CHAMPION)
    if champion is None:
        champion = newest_version(tracking, key.model_name)
        if champion is None:
            raise PreconditionError(
                f"no registered version of {key.model_name}: materialize model for {key.key} first"
            )
        label = f"v{champion.version} (newest; no champion yet)"
    else:
        label = f"v{champion.version} (champion)"
    ev = stored_evaluation(tracking, champion.run_id)
    result = run(
        ev.oos, score=f"score_{ev.primary}", hold_bars=ev.target.hold_bars, trading=trading, config=config
    )
    out = report_dir(lake_root, "backtest") / f"{key.key}_equity.png"
    png = equity_png(
        result.equity, out, title=f"{key.model_name} {label} ({ev.primary}), net of costs, out of sample"
    )
    client = tracking.client()
    client.log_artifact(champion.run_id, str(png), "backtest")
    for name, value in result.stats.items():
        if np.isfinite(value):
            client.log_metric(champion.run_id, f"backtest.{name}", float(value))
    return label, result, png

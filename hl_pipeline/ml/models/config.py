"""Settings of training, evaluation, the promotion gate and the backtest."""

from __future__ import annotations

from dataclasses import asdict, dataclass

MINUTE_MS = 60_000


@dataclass(frozen=True)
class XGBConfig:
    """XGBoost classifier hyperparameters."""

    n_estimators: int = (
        120  # with learning_rate 0.08: a year of 1m bars trains in under a minute (bench/train_year.py)
    )
    max_depth: int = 4
    learning_rate: float = 0.08
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    min_child_weight: float = 5.0
    reg_lambda: float = 1.0
    max_bin: int = 256
    nthread: int = 2
    seed: int = 0

    def params(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class WalkForward:
    """Fold layout; purge comes from the target's horizon, the embargo is extra."""

    n_folds: int = 4
    mode: str = "expanding"
    embargo_ms: int = 0
    train_ms: int | None = None
    min_train_rows: int = 50


@dataclass(frozen=True)
class GateConfig:
    """Promotion rule: absolute accuracy floor and a one-sided paired block bootstrap at `alpha`."""

    floor: float = 0.55
    alpha: float = 0.05
    n_boot: int = 2000
    min_rows: int = 100
    block_horizons: float = (
        4.0  # bootstrap block length in label horizons (overlapping labels and persistent features)
    )
    seed: int = 0


@dataclass(frozen=True)
class BacktestConfig:
    """Costs per unit of turnover (bps) and the Monte Carlo band."""

    fee_bps: float = 4.5
    slippage_bps: float = 1.0
    bar_ms: int = MINUTE_MS
    n_paths: int = 500
    band: tuple[float, float] = (0.05, 0.95)
    seed: int = 0

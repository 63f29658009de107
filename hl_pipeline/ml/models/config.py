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
class CPCVConfig:
    """Combinatorial purged cross-validation of the chosen candidate (cpcv.py): C(n_groups,
    n_test_groups) fits, C(n_groups - 1, n_test_groups - 1) paths; purge from the target's horizon."""

    n_groups: int = 5
    n_test_groups: int = 2
    embargo_ms: int = 0
    non_overlapping: bool = True  # train each split on every hold_bars-th bar (cpcv.py)


@dataclass(frozen=True)
class TradingConfig:
    """The position rule predictions serve and what trading it costs (trading.py)."""

    min_edge: float = 0.1  # |prob_up - prob_down| needed to hold a position
    latency_bars: int = 1  # bars from a prediction being available to its entry
    taker_fee_bps: float = 4.5  # Hyperliquid's base taker tier
    capital_usd: float = 10_000.0  # notional per coin at full position: what impact is charged for
    fallback_spread_bps: float = 2.0  # before the first book snapshot of a span
    fallback_depth_usd: float = 250_000.0  # likewise, USD within 10 bps of mid, both sides
    bar_ms: int = MINUTE_MS


@dataclass(frozen=True)
class GateConfig:
    """Promotion rule on net-of-cost out-of-sample returns (gate.py)."""

    floor: float = 0.55  # directional accuracy on the labelled gate bars
    alpha: float = 0.05  # for the Sharpe ratio's lower bound and the adjusted p-value
    correction: str = "holm"  # over the targets decided in one round: "holm" or "bh"
    n_boot: int = 500
    min_rows: int = 100
    seed: int = 0


@dataclass(frozen=True)
class BacktestConfig:
    """The backtest's stationary-bootstrap band."""

    n_boot: int = 500
    band: tuple[float, float] = (0.05, 0.95)
    seed: int = 0

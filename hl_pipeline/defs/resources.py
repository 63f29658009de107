"""Every resource, built once from the environment (see docs/operations.md for the variables)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from hl_pipeline import settings
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.shared import client_for
from hl_pipeline.market.order_flow import Sources


class HyperliquidResource(dg.ConfigurableResource):
    """The info API: "mainnet", "testnet" or a URL (the simulator by default)."""

    api_url: str = settings.DEFAULT_API_URL
    rate_limit: bool = True
    retained_candles: int = 5000  # 0: the source keeps all history (a simulator with retention lifted)

    def client(self) -> InfoClient:
        return client_for(
            api_url=self.api_url, rate_limit=self.rate_limit, retained_candles=self.retained_candles
        )


class LakeResource(dg.ConfigurableResource):
    """The Parquet lake's root directory."""

    root: str = "data/lake"

    @property
    def path(self) -> Path:
        return Path(self.root).resolve()


class MarketSettings(dg.ConfigurableResource):
    """What to ingest: coins, candle intervals, and an optional frozen clock."""

    coins: str = settings.DEFAULT_COINS
    native_intervals: str = settings.DEFAULT_NATIVE_INTERVALS
    resampled_intervals: str = settings.DEFAULT_RESAMPLED_INTERVALS
    as_of: str = ""  # ISO timestamp; blank = wall clock

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Parse every setting before any asset of the run writes: a bad value fails the run up front."""
        self.coin_list(), self.native(), self.resampled(), self.now_ms()

    def coin_list(self) -> list[str]:
        return settings.parse_coins(self.coins)

    def native(self) -> list[str]:
        return settings.parse_intervals(self.native_intervals)

    def resampled(self) -> list[str]:
        return settings.parse_intervals(self.resampled_intervals)

    def now_ms(self) -> int:
        return settings.now_ms(self.as_of)


class OrderFlowSettings(dg.ConfigurableResource):
    """Where trades and books come from: the collector's landing zone, then the S3 archives
    (a folder laid out like the bucket, "s3" for the requester-pays bucket, "none" for no archive)."""

    landing_root: str = settings.DEFAULT_LANDING_ROOT
    book_archive: str = "none"
    fills_archive: str = "none"
    heartbeat_max_age: float = 120.0  # seconds without a collector message before the heartbeat check fails

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Resolve both archives before any asset writes: a bad location fails the run up front."""
        self.sources()

    def sources(self) -> Sources:
        from hl_pipeline.exchange.archive.configured import archive_source

        def archive(spec: str, bucket: str):
            return None if spec.strip().lower() == "none" else archive_source(spec, bucket)

        return Sources(
            Path(self.landing_root).resolve(),
            archive(self.book_archive, "hyperliquid-archive"),
            archive(self.fills_archive, "hl-mainnet-node-data"),
        )


class MLSettings(dg.ConfigurableResource):
    """Features, labels and training sets: the bar, label horizons (minutes), window and folds."""

    bar: str = "1m"
    horizons: str = "5,15,60"
    dead_zone: float = 5e-4  # |log return| below this is class 0
    barrier: float = 2e-3  # triple-barrier width as a log return
    training_days: int = 14
    n_folds: int = 5

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Build the label spec up front: a bad horizon or barrier fails the run before any write."""
        self.label_spec()

    def label_spec(self):
        from hl_pipeline.ml.labels import LabelSpec

        horizons = tuple(int(h) for h in self.horizons.split(","))
        return LabelSpec(horizons_min=horizons, dead_zone=self.dead_zone, barrier=self.barrier, bar=self.bar)

    def split_spec(self):
        from hl_pipeline.ml.training_set import SplitSpec

        return SplitSpec(n_folds=self.n_folds)


class MLflowResource(dg.ConfigurableResource):
    """MLflow tracking and registry: `sqlite:///<root>/mlruns/mlflow.db`, artifacts under `<root>/mlruns/`."""

    root: str = "."
    experiment: str = "hl_pipeline"
    ui_url: str = "http://127.0.0.1:5000"  # `make mlflow`

    def tracking(self):
        from hl_pipeline.registry.tracking import Tracking

        return Tracking(root=Path(self.root), experiment=self.experiment)


class ModelSettings(dg.ConfigurableResource):
    """XGBoost hyperparameters, the promotion gate, and backtest costs."""

    xgb_trees: int = 120
    xgb_depth: int = 4
    xgb_learning_rate: float = 0.08
    gate_floor: float = 0.55  # absolute directional accuracy a challenger must reach
    gate_alpha: float = 0.05  # significance of its edge over the champion
    fee_bps: float = 4.5
    slippage_bps: float = 1.0

    def xgb(self):
        from hl_pipeline.ml.models.config import XGBConfig

        return XGBConfig(
            n_estimators=self.xgb_trees, max_depth=self.xgb_depth, learning_rate=self.xgb_learning_rate
        )

    def gate(self):
        from hl_pipeline.ml.models.config import GateConfig

        return GateConfig(floor=self.gate_floor, alpha=self.gate_alpha)

    def backtest(self, bar_ms: int):
        from hl_pipeline.ml.models.config import BacktestConfig

        return BacktestConfig(fee_bps=self.fee_bps, slippage_bps=self.slippage_bps, bar_ms=bar_ms)


@dg.definitions
def resources() -> dg.Definitions:
    env = settings.env
    models = settings.models_config()
    return dg.Definitions(
        resources={
            "hyperliquid": HyperliquidResource(**settings.api_config()),
            "lake": LakeResource(root=env("HL_LAKE_ROOT", "data/lake")),
            "market": MarketSettings(
                coins=env("HL_COINS", settings.DEFAULT_COINS),
                native_intervals=env("HL_NATIVE_INTERVALS", settings.DEFAULT_NATIVE_INTERVALS),
                resampled_intervals=env("HL_RESAMPLED_INTERVALS", settings.DEFAULT_RESAMPLED_INTERVALS),
                as_of=env("HL_AS_OF", ""),
            ),
            "order_flow": OrderFlowSettings(**settings.order_flow_config()),
            "ml": MLSettings(**settings.ml_config()),
            "mlflow": MLflowResource(root=models.pop("mlflow_root")),
            "models": ModelSettings(**models),
            "duckdb": DuckDBResource(database=env("HL_WAREHOUSE", "data/warehouse.duckdb")),
        }
    )

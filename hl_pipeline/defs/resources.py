"""Every resource, built once from the settings (see docs/operations.md for the variables)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.shared import client_for
from hl_pipeline.lake.coin_keys import coin_key
from hl_pipeline.lake.storage import Location, lake_location
from hl_pipeline.settings import DEFAULT_API_URL, Settings, clock_ms

if TYPE_CHECKING:  # pandas, mlflow and the ml package stay out of code-location load
    from hl_pipeline.market.order_flow import Sources
    from hl_pipeline.ml.labels import LabelSpec
    from hl_pipeline.ml.models.config import GateConfig, TradingConfig, XGBConfig
    from hl_pipeline.ml.training_set import SplitSpec
    from hl_pipeline.registry.tracking import Tracking


class HyperliquidResource(dg.ConfigurableResource):
    """The info API: "mainnet", "testnet" or a URL (the simulator by default)."""

    api_url: str = DEFAULT_API_URL
    rate_limit: bool = True
    retained_candles: int = 5000  # 0: the source keeps all history (a simulator with retention lifted)

    def client(self) -> InfoClient:
        return client_for(
            api_url=self.api_url, rate_limit=self.rate_limit, retained_candles=self.retained_candles
        )


class LakeResource(dg.ConfigurableResource):
    """The Parquet lake's root: a folder, or an object-store prefix (s3://bucket/prefix)."""

    root: str = "data/lake"

    @property
    def path(self) -> Location:
        return lake_location(self.root)


class MarketResource(dg.ConfigurableResource):
    """What to ingest: perp coins, spot pairs, candle intervals, and an optional frozen clock."""

    coins: list[str]
    spot_coins: list[str]  # spot pairs as the exchange names them (PURR/USDC, @107)
    native_intervals: list[str]
    resampled_intervals: list[str]
    as_of_ms: int | None = None  # a frozen clock (epoch ms); None = wall clock

    def now_ms(self) -> int:
        return clock_ms(self.as_of_ms)

    def all_coins(self) -> list[str]:
        """Perps, then spot pairs: what candles, trades, books and contexts cover."""
        return [*self.coins, *self.spot_coins]

    def all_keys(self) -> list[str]:
        """The lake keys of `all_coins()` (a spot pair's is path-safe, e.g. PURR-USDC)."""
        return [coin_key(c) for c in self.all_coins()]


class WalletsResource(dg.ConfigurableResource):
    """Which wallets to track: the configured addresses plus the day's most active, `cap` in all."""

    configured: list[str]
    cap: int = 20


class OrderFlowResource(dg.ConfigurableResource):
    """Where trades and books come from: the collector's landing zone, then the S3 archives
    (a folder laid out like the bucket, "s3" for the requester-pays bucket, "none" for no archive)."""

    landing_root: str
    book_archive: str = "none"
    fills_archive: str = "none"
    heartbeat_max_age: float = 120.0  # seconds without a collector message before the heartbeat check fails

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Resolve both archives before any asset writes: a bad location fails the run up front."""
        self.sources()

    def sources(self) -> Sources:
        from hl_pipeline.exchange.archive.configured import archive_source
        from hl_pipeline.market.order_flow import Sources

        def archive(spec: str, bucket: str) -> Any:
            return None if spec.strip().lower() == "none" else archive_source(spec, bucket)

        return Sources(
            Path(self.landing_root).resolve(),
            archive(self.book_archive, "hyperliquid-archive"),
            archive(self.fills_archive, "hl-mainnet-node-data"),
        )


class MLResource(dg.ConfigurableResource):
    """Features, labels and training sets: the bar, label horizons (minutes), window and folds."""

    bar: str = "1m"
    horizons: list[int]
    dead_zone: float = 5e-4  # |log return| below this is class 0
    barrier: float = 2e-3  # triple-barrier width as a log return
    training_days: int = 14
    n_folds: int = 5

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Build the label spec up front: a bad horizon or barrier fails the run before any write."""
        self.label_spec()

    def label_spec(self) -> LabelSpec:
        from hl_pipeline.ml.labels import LabelSpec

        return LabelSpec(
            horizons_min=tuple(self.horizons), dead_zone=self.dead_zone, barrier=self.barrier, bar=self.bar
        )

    def split_spec(self) -> SplitSpec:
        from hl_pipeline.ml.training_set import SplitSpec

        return SplitSpec(n_folds=self.n_folds)


class MLflowResource(dg.ConfigurableResource):
    """MLflow tracking and registry: `sqlite:///<root>/mlruns/mlflow.db`, artifacts under
    `<root>/mlruns/`, unless `uri` names another store (HL_MLFLOW_URI), with artifacts under
    `artifacts` (HL_MLFLOW_ARTIFACTS)."""

    root: str = "."
    uri: str | None = None
    artifacts: str | None = None
    experiment: str = "hl_pipeline"
    ui_url: str = "http://127.0.0.1:5000"  # `make mlflow`

    def tracking(self) -> Tracking:
        from hl_pipeline.registry.tracking import Tracking

        return Tracking(Path(self.root), self.experiment, self.uri, self.artifacts)


class ModelResource(dg.ConfigurableResource):
    """XGBoost hyperparameters, the promotion gate, and the served strategy's rule and costs."""

    xgb_trees: int = 120
    xgb_depth: int = 4
    xgb_learning_rate: float = 0.08
    gate_floor: float = 0.55  # absolute directional accuracy a challenger must reach
    gate_alpha: float = 0.05  # for the net Sharpe's lower bound and the round-adjusted p-value
    gate_correction: str = "holm"  # over the targets of one round: "holm" or "bh"
    min_edge: float = 0.1  # |prob_up - prob_down| needed to hold a position
    latency_bars: int = 1  # bars from a prediction being available to its entry
    taker_fee_bps: float = 4.5
    capital_usd: float = 10_000.0  # notional per coin: what the impact is charged for

    def xgb(self) -> XGBConfig:
        from hl_pipeline.ml.models.config import XGBConfig

        return XGBConfig(
            n_estimators=self.xgb_trees, max_depth=self.xgb_depth, learning_rate=self.xgb_learning_rate
        )

    def gate(self) -> GateConfig:
        from hl_pipeline.ml.models.config import GateConfig

        return GateConfig(floor=self.gate_floor, alpha=self.gate_alpha, correction=self.gate_correction)

    def trading(self, bar: str) -> TradingConfig:
        """The served strategy on bars of `bar` (e.g. "1m")."""
        from hl_pipeline.ml.features.catalog import bar_ms
        from hl_pipeline.ml.models.config import TradingConfig

        return TradingConfig(
            min_edge=self.min_edge,
            latency_bars=self.latency_bars,
            taker_fee_bps=self.taker_fee_bps,
            capital_usd=self.capital_usd,
            bar_ms=bar_ms(bar),
        )


class VenuesResource(dg.ConfigurableResource):
    """Other exchanges through ccxt (ccxt ids); against a simulator URL, its /<ccxt id>/ prefixes."""

    venues: list[str]
    api_url: str = DEFAULT_API_URL
    rate_limit: bool = True

    def clients(self) -> dict[str, Any]:
        from hl_pipeline.venues.clients import venue_client

        return {v: venue_client(v, self.api_url, self.rate_limit) for v in self.venues}


class AlertsResource(dg.ConfigurableResource):
    """Where failed runs are posted: a Slack- or Discord-compatible webhook (a secret:
    HL_ALERT_WEBHOOK_URL)."""

    webhook_url: str = ""


def resources(settings: Settings) -> dict[str, Any]:
    """Every resource of the code location, from `settings`."""
    s = settings
    return {
        "hyperliquid": HyperliquidResource(
            api_url=s.api_url, rate_limit=s.rate_limit, retained_candles=s.retained_candles
        ),
        "lake": LakeResource(root=s.lake_root),
        "market": MarketResource(
            coins=list(s.coins),
            spot_coins=list(s.spot_coins),
            native_intervals=list(s.native_intervals),
            resampled_intervals=list(s.resampled_intervals),
            as_of_ms=s.as_of_ms,
        ),
        "venues": VenuesResource(venues=list(s.venues), api_url=s.api_url, rate_limit=s.rate_limit),
        "order_flow": OrderFlowResource(
            landing_root=s.landing_root,
            book_archive=s.book_archive,
            fills_archive=s.fills_archive,
            heartbeat_max_age=s.heartbeat_max_age,
        ),
        "wallets": WalletsResource(configured=list(s.wallets), cap=s.wallet_cap),
        "ml": MLResource(
            bar=s.feature_bar,
            horizons=list(s.label_horizons),
            training_days=s.training_days,
            n_folds=s.n_folds,
        ),
        "mlflow": MLflowResource(root=s.mlflow_root, uri=s.mlflow_uri, artifacts=s.mlflow_artifacts),
        "models": ModelResource(
            xgb_trees=s.xgb_trees,
            xgb_depth=s.xgb_depth,
            xgb_learning_rate=s.xgb_learning_rate,
            gate_floor=s.gate_floor,
            gate_alpha=s.gate_alpha,
            gate_correction=s.gate_correction,
            min_edge=s.min_edge,
            latency_bars=s.latency_bars,
            taker_fee_bps=s.taker_fee_bps,
            capital_usd=s.capital_usd,
        ),
        # the secret itself is read by Dagster from the environment, never shown in the UI
        "alerts": AlertsResource(
            webhook_url=dg.EnvVar("HL_ALERT_WEBHOOK_URL") if s.alert_webhook_url else ""
        ),
        "duckdb": DuckDBResource(database=s.warehouse),
    }

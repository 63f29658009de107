"""A model per target (coin x label horizon): train and register, gate the promotion, score the
newest features with the champions, backtest the champions' walk-forward predictions."""

import base64
import datetime as dt
from pathlib import Path

import dagster as dg

from hl_pipeline import settings
from hl_pipeline.defs.market.partitions import daily_partitions
from hl_pipeline.defs.ml.assets import features, training_set
from hl_pipeline.defs.resources import LakeResource, MarketSettings, MLflowResource, MLSettings, ModelSettings
from hl_pipeline.ml.models.targets import TargetKey

_ML = settings.ml_config()
target_partitions = dg.StaticPartitionsDefinition(
    settings.model_targets(settings.env("HL_COINS", settings.DEFAULT_COINS), _ML["horizons"])
)
_BY_TARGET = dict(
    partitions_def=target_partitions, backfill_policy=dg.BackfillPolicy.single_run(), group_name="models"
)
_AUTOMATIC = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()


def _keys(context: dg.AssetExecutionContext) -> list[TargetKey]:
    return [TargetKey.parse(k) for k in context.partition_keys]


def _today(market: MarketSettings) -> str:
    return dt.datetime.fromtimestamp(market.now_ms() / 1000, tz=dt.UTC).date().isoformat()


@dg.asset(
    deps=[dg.AssetDep(training_set, partition_mapping=dg.LastPartitionMapping())],
    kinds={"xgboost", "mlflow"},
    automation_condition=_AUTOMATIC,
    **_BY_TARGET,
)
def model(
    context: dg.AssetExecutionContext,
    lake: LakeResource,
    market: MarketSettings,
    ml: MLSettings,
    mlflow: MLflowResource,
    models: ModelSettings,
) -> dg.MaterializeResult:
    """XGBoost per target on the newest training set, evaluated on its purged walk-forward folds beside
    majority, logistic and random-forest baselines; one MLflow run per training, a new registered version."""
    from hl_pipeline.ml.model_steps import train_target

    tracking, trained = mlflow.tracking(), []
    for key in _keys(context):
        tags = {"dagster.run_id": context.run.run_id, "dagster.partition": key.key}
        trained.append(
            train_target(
                lake.path,
                tracking,
                key,
                _today(market),
                bar=ml.bar,
                xgb=models.xgb(),
                tags=tags,
                ui_url=mlflow.ui_url,
                log=context.log.info,
            )
        )
    table = [
        {
            "target": t.key.key,
            "version": t.version,
            "rows": t.rows,
            "training_set": t.training_date,
            **{
                f"{kind} accuracy": round(t.aggregate[kind]["accuracy"], 4)
                for kind in ("xgboost", "majority", "logistic")
            },
            "xgboost AUC": round(t.aggregate["xgboost"].get("auc", float("nan")), 4),
            "xgboost IC": round(t.aggregate["xgboost"].get("ic", float("nan")), 4),
        }
        for t in trained
    ]
    from hl_pipeline.lake.report import markdown_table

    last = trained[-1]
    return dg.MaterializeResult(
        metadata={
            "versions": dg.MetadataValue.md(markdown_table(table)),
            "mlflow_run": dg.MetadataValue.url(last.run_url),
            "model_version": last.version,
            "training_set_hash": last.training_hash,
            "training_set_date": last.training_date,
        }
    )


@dg.asset(deps=[model], kinds={"mlflow"}, automation_condition=_AUTOMATIC, **_BY_TARGET)
def promotion(
    context: dg.AssetExecutionContext, mlflow: MLflowResource, models: ModelSettings
) -> dg.MaterializeResult:
    """The newest version against the current champion on the most recent out-of-sample window:
    promoted to `champion` (the old one kept as `previous_champion`) only above the accuracy floor
    and with an edge a paired block bootstrap finds significant; otherwise `challenger`, with the reason."""
    from hl_pipeline.lake.report import markdown_table
    from hl_pipeline.ml.model_steps import promote

    rows = []
    for key in _keys(context):
        version, decision = promote(mlflow.tracking(), key, models.gate())
        context.log.info(
            f"{key.model_name} v{version}: {'PROMOTED' if decision.promote else 'held'} - {decision.reason}"
        )
        rows.append(
            {
                "target": key.key,
                "version": version,
                "promoted": decision.promote,
                "against": decision.against,
                "challenger_accuracy": round(decision.challenger_accuracy, 4),
                "champion_accuracy": round(decision.champion_accuracy, 4),
                "p_value": round(decision.p_value, 4),
                "window_rows": decision.n_rows,
                "reason": decision.reason,
            }
        )
    return dg.MaterializeResult(
        metadata={
            "decisions": dg.MetadataValue.md(markdown_table(rows)),
            "promoted": sum(r["promoted"] for r in rows),
            "reason": rows[-1]["reason"],
        }
    )


@dg.asset(
    deps=[features, dg.AssetDep(promotion, partition_mapping=dg.AllPartitionMapping())],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="models",
    kinds={"parquet", "mlflow"},
    automation_condition=dg.AutomationCondition.eager(),
)
def predictions(
    context: dg.AssetExecutionContext, lake: LakeResource, mlflow: MLflowResource
) -> dg.MaterializeResult:
    """Each target's champion scoring that day's features: class, expected direction and class
    probabilities per bar, with the model name and version on every row."""
    from hl_pipeline.defs.market.metadata import lake_metadata
    from hl_pipeline.ml.model_steps import predict_day

    keys = [TargetKey.parse(k) for k in target_partitions.get_partition_keys()]
    manifests = [
        m
        for date in context.partition_keys
        for m in predict_day(lake.path, mlflow.tracking(), keys, date, context.log.info)
    ]
    skipped = sorted({s for m in manifests for s in m.details["skipped"]})
    return dg.MaterializeResult(
        metadata={
            **lake_metadata(manifests, lake.path),
            "models": ", ".join(sorted({x for m in manifests for x in m.details["models"]})) or "none",
            "skipped": ", ".join(skipped) or "none",
        }
    )


@dg.asset(deps=[promotion], kinds={"mlflow"}, automation_condition=_AUTOMATIC, **_BY_TARGET)
def backtest(
    context: dg.AssetExecutionContext,
    lake: LakeResource,
    mlflow: MLflowResource,
    models: ModelSettings,
    ml: MLSettings,
) -> dg.MaterializeResult:
    """The champion's walk-forward predictions (the newest version's while there is no champion)
    traded with fees and slippage: Sharpe, maximum drawdown, hit rate, turnover, and the equity
    curve with a Monte Carlo band (PNG here and in the model's MLflow run)."""
    from hl_pipeline.ml.features.registry import bar_ms
    from hl_pipeline.ml.model_steps import backtest_champion

    out_dir = Path(lake.path).parent / "reports" / "backtest"
    out_dir.mkdir(parents=True, exist_ok=True)
    metadata: dict = {}
    for key in _keys(context):
        version, result, png = backtest_champion(
            mlflow.tracking(), key, models.backtest(bar_ms(ml.bar)), out_dir, ml.bar
        )
        context.log.info(
            f"{key.model_name} {version}: Sharpe {result.stats['sharpe']:.2f}, hit rate {result.stats['hit_rate']:.3f}"
        )
        image = base64.b64encode(png.read_bytes()).decode()
        stats = {k: round(v, 4) for k, v in result.stats.items()}
        metadata[f"{key.key} equity"] = dg.MetadataValue.md(f"![equity](data:image/png;base64,{image})")
        metadata[f"{key.key} stats"] = dg.MetadataValue.json({"model": version, **stats})
        metadata[f"{key.key} plot"] = dg.MetadataValue.path(str(png))
    return dg.MaterializeResult(metadata=metadata)

"""A model per target (coin x label horizon): train and register, gate the promotion, score the
newest features with the champions, backtest the champions' walk-forward predictions."""

import base64
from typing import TYPE_CHECKING, Any

import dagster as dg

from hl_pipeline.defs._shared.metadata import lake_metadata, per_partition
from hl_pipeline.defs._shared.partitions import target_partitions
from hl_pipeline.defs._shared.policy import GATED, asset_policy, daily_lake_asset
from hl_pipeline.defs.resources import LakeResource, MarketResource, MLflowResource, MLResource, ModelResource
from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.settings import Settings

if TYPE_CHECKING:  # the training step imports pandas and the ml package: not at code-location load
    from hl_pipeline.lake.manifest import Manifest
    from hl_pipeline.steps.training import Trained


def _keys(context: dg.AssetExecutionContext) -> list[TargetKey]:
    return [TargetKey.parse(k) for k in context.partition_keys]


def _scorers(_: str, written: list["Manifest"]) -> dict[str, str]:
    """Which champions scored a day, and which targets had none."""
    skipped = sorted({s for m in written for s in m.details["skipped"]})
    used = sorted({x for m in written for x in m.details["models"]})
    return {"models": ", ".join(used) or "none", "skipped": ", ".join(skipped) or "none"}


def _trained_row(t: "Trained") -> dict[str, Any]:
    """One trained target in a table: its version, rows and the candidates' scores."""
    return {
        "target": t.key.key,
        "version": t.version,
        "candidate": t.candidate,
        "rows": t.rows,
        "training_set": t.training_date,
        **{f"{kind} net Sharpe": round(v, 2) for kind, v in t.selection.items()},
        **{f"{kind} accuracy": round(values["accuracy"], 4) for kind, values in t.aggregate.items()},
        f"{t.candidate} IC": round(t.aggregate[t.candidate].get("ic", float("nan")), 4),
    }


def model_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    targets = target_partitions(settings)
    by_target = dict(
        partitions_def=targets,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name="models",
        automation_condition=GATED,
        **asset_policy("models"),
    )

    @dg.asset(
        deps=[dg.AssetDep("training_set", partition_mapping=dg.LastPartitionMapping())],
        kinds={"xgboost", "mlflow"},
        **by_target,
    )
    def model(
        context: dg.AssetExecutionContext,
        lake: LakeResource,
        market: MarketResource,
        ml: MLResource,
        mlflow: MLflowResource,
        models: ModelResource,
    ) -> dg.MaterializeResult:
        """Per target on the newest training set: XGBoost, LightGBM, random forest, logistic and majority
        candidates on the same purged walk-forward folds, the one with the best net-of-cost Sharpe over
        the folds before the last chosen and fitted on every labelled row; one MLflow run per training,
        a new registered version."""
        from hl_pipeline.lake.calendar import date_of_ms
        from hl_pipeline.lake.report import markdown_table
        from hl_pipeline.steps.training import train_target

        tracking, trained, today = mlflow.tracking(), [], date_of_ms(market.now_ms())
        trading = models.trading(ml.bar)
        for key in _keys(context):
            tags = {"dagster.run_id": context.run.run_id, "dagster.partition": key.key}
            trained.append(
                train_target(
                    lake.path, tracking, key, today, bar=ml.bar, xgb=models.xgb(), trading=trading,
                    tags=tags, ui_url=mlflow.ui_url, log=context.log.info,
                )
            )  # fmt: skip
        table = [_trained_row(t) for t in trained]
        per_partition(
            context,
            {
                t.key.key: {
                    **_trained_row(t),
                    "mlflow_run": dg.MetadataValue.url(t.run_url),
                    "model_version": t.version,
                    "training_set_digest": t.training_digest,
                    "training_set_date": t.training_date,
                }
                for t in trained
            },
        )
        note = (
            "Accuracies over every walk-forward fold, for reference. The candidate is chosen by its net"
            " Sharpe ratio over the folds before the last; the gate (`promotion`) decides on the last fold"
            " alone, on returns net of costs. The reason is in each promotion partition."
        )
        return dg.MaterializeResult(
            metadata={"run_targets": dg.MetadataValue.md(markdown_table(table) + "\n\n" + note)}
        )

    @dg.asset(deps=[model], kinds={"mlflow"}, **by_target)
    def promotion(
        context: dg.AssetExecutionContext, mlflow: MLflowResource, models: ModelResource, ml: MLResource
    ) -> dg.MaterializeResult:
        """The newest version traded as served on the last out-of-sample fold (net of fees, spread,
        impact and funding): promoted to `champion` (the old one kept as `previous_champion`) only
        when its directional accuracy reaches the floor, its net Sharpe's lower bound is above zero
        and it beats staying flat, always long, the last return's sign and the champion, with the
        p-value adjusted over every target of the run; otherwise `challenger`, with the reason."""
        from hl_pipeline.lake.report import markdown_table
        from hl_pipeline.steps.promotion import promote_round

        trading = models.trading(ml.bar)
        rows: list[dict[str, Any]] = []
        for done in promote_round(mlflow.tracking(), _keys(context), models.gate(), trading):
            d, a = done.decision, done.decision.assessment
            verdict = "PROMOTED" if d.promote else "held"
            context.log.info(f"{done.key.model_name} v{done.version} ({a.candidate}): {verdict} - {d.reason}")
            rows.append(
                {
                    "target": done.key.key,
                    "version": done.version,
                    "candidate": a.candidate,
                    "promoted": d.promote,
                    "against": d.against,
                    **{k: round(float(v), 4) for k, v in d.metrics().items()},
                    "bars": a.n_bars,
                    "reason": d.reason,
                }
            )
        per_partition(context, {r["target"]: r for r in rows})
        return dg.MaterializeResult(
            metadata={
                "run_decisions": dg.MetadataValue.md(markdown_table(rows)),
                "run_promoted": sum(r["promoted"] for r in rows),
            }
        )

    @dg.asset(
        **daily_lake_asset(
            settings,
            "models",
            {"parquet", "mlflow"},
            deps=["features", dg.AssetDep(promotion, partition_mapping=dg.AllPartitionMapping())],
            automation_condition=GATED,
        )
    )
    def predictions(
        context: dg.AssetExecutionContext,
        lake: LakeResource,
        mlflow: MLflowResource,
        models: ModelResource,
        ml: MLResource,
    ) -> dg.MaterializeResult:
        """Each target's champion scoring that day's features: class, expected direction, class
        probabilities and the served position per bar, with the model name and version on every row."""
        from hl_pipeline.steps.predictions import predict_day

        keys = [TargetKey.parse(k) for k in targets.get_partition_keys()]
        tracking, min_edge = mlflow.tracking(), models.trading(ml.bar).min_edge
        manifests = [
            m
            for date in context.partition_keys
            for m in predict_day(lake.path, tracking, keys, date, min_edge, context.log.info)
        ]
        return dg.MaterializeResult(metadata=lake_metadata(context, manifests, lake.path, _scorers))

    @dg.asset(deps=[promotion], kinds={"mlflow"}, **by_target)
    def backtest(
        context: dg.AssetExecutionContext,
        lake: LakeResource,
        mlflow: MLflowResource,
        models: ModelResource,
        ml: MLResource,
    ) -> dg.MaterializeResult:
        """The champion's out-of-sample predictions (the newest version's while there is no champion)
        traded as served on every walk-forward test bar, one bar late, net of fees, spread, impact and
        funding: Sharpe with its stationary-bootstrap interval and p-value, returns, costs, drawdown,
        hit rate, turnover, and the equity curve with its band (PNG here and in the MLflow run)."""
        from hl_pipeline.ml.models.config import BacktestConfig
        from hl_pipeline.steps.backtests import backtest_champion

        metadata: dict[str, dict[str, Any]] = {}
        trading = models.trading(ml.bar)
        for key in _keys(context):
            version, result, png = backtest_champion(
                mlflow.tracking(), key, trading, BacktestConfig(), lake.path
            )
            st = result.stats
            context.log.info(
                f"{key.model_name} {version}: net Sharpe {st['net_sharpe']:.2f} "
                f"[{st['net_sharpe_lo']:.2f}, {st['net_sharpe_hi']:.2f}], net return {st['net_return']:+.4f}"
            )
            image = base64.b64encode(png.read_bytes()).decode()
            stats = {k: round(float(v), 6) for k, v in st.items()}
            metadata[key.key] = {
                "equity": dg.MetadataValue.md(f"![equity](data:image/png;base64,{image})"),
                "stats": dg.MetadataValue.json({"model": version, **stats}),
                "plot": dg.MetadataValue.path(str(png)),
                "backtested": version,
            }
        per_partition(context, metadata)
        return dg.MaterializeResult(metadata={"run_targets": len(metadata)})

    return [model, promotion, predictions, backtest]

"""Non-blocking warnings on high-score integrity events; the strongest of a run is posted to the alert
webhook when one is configured."""

import dagster as dg

from hl_pipeline.defs._shared.checks import check_specs, report, run_dates
from hl_pipeline.defs._shared.partitions import daily_partitions
from hl_pipeline.defs.resources import AlertsResource, LakeResource, MarketResource
from hl_pipeline.settings import Settings

EVENT_ASSETS = ("wash_trades", "spoofing", "market_anomalies")


def _catalog(asset: str) -> dict[str, tuple[bool, str]]:
    return {
        f"{asset}_no_high_score_events": (
            False,
            f"No {asset} event of the day scores 0.9 or more (a warning: the events are the finding, the "
            "data is not bad); the metadata lists the strongest with their addresses.",
        )
    }


def _check(settings: Settings, asset: str) -> dg.AssetChecksDefinition:
    catalog = _catalog(asset)

    @dg.multi_asset_check(
        name=f"{asset}_checks", specs=check_specs(asset, catalog, daily_partitions(settings))
    )
    def checks(
        context: dg.AssetCheckExecutionContext,
        lake: LakeResource,
        market: MarketResource,
        alerts: AlertsResource,
    ):
        from hl_pipeline.alerts import post_alert
        from hl_pipeline.steps.integrity_checks import alert_text, high_score_outcomes

        outcomes = high_score_outcomes(lake.path, asset, run_dates(context)[0], list(market.coins))
        text = alert_text(asset, outcomes)
        if text and alerts.webhook_url:
            try:
                post_alert(alerts.webhook_url, text)
                context.log.info(f"{asset} alert posted")
            except (RuntimeError, ValueError) as exc:  # the message names the host, never the URL
                context.log.warning(f"{asset} alert not posted: {exc}")
        elif text:
            context.log.info(f"no HL_ALERT_WEBHOOK_URL set; {text}")
        yield from report(context, asset, outcomes, catalog)

    return checks


def integrity_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    return [_check(settings, asset) for asset in EVENT_ASSETS]

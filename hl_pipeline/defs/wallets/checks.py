"""The blocking reconciliation of rebuilt positions against the exchange's clearinghouseState."""

import dagster as dg

from hl_pipeline.defs._shared.checks import check_specs, report, run_dates
from hl_pipeline.defs._shared.partitions import daily_partitions
from hl_pipeline.defs.resources import HyperliquidResource, LakeResource, MarketResource
from hl_pipeline.settings import Settings

WALLET_CHECKS = {
    "wallet_positions_match_clearinghouse": (
        True,
        "Today's rebuilt positions, rolled forward by later fills, equal clearinghouseState's for every "
        "tracked wallet and coin; a mismatch names the wallet, coin and difference.",
    ),
}


def wallet_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    @dg.multi_asset_check(specs=check_specs("wallet_positions", WALLET_CHECKS, daily_partitions(settings)))
    def wallet_position_checks(
        context: dg.AssetCheckExecutionContext,
        hyperliquid: HyperliquidResource,
        lake: LakeResource,
        market: MarketResource,
    ):
        from hl_pipeline.steps.wallet_checks import reconciliation_outcomes

        outcomes = reconciliation_outcomes(
            hyperliquid.client(), lake.path, run_dates(context)[0], list(market.coins), market.now_ms()
        )
        yield from report(context, "wallet_positions", outcomes, WALLET_CHECKS)

    return [wallet_position_checks]

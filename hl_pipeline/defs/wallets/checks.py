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

PNL_CHECKS = {
    "wallet_pnl_realised_matches_entry": (
        True,
        "Every closing fill whose entry price the fills show has closedPnl = side x (px - entry) x closed "
        "size (gross of fees), to a cent plus 1e-6 of the amount; a mismatch names the wallet and coin.",
    ),
    "wallet_pnl_funding_on_rebuilt_positions": (
        True,
        "Every hourly funding payment of a wallet-coin-day with fills was paid on the position the fills "
        "give at that hour.",
    ),
    "wallet_pnl_net_adds_up": (
        True,
        "net realised = realised - fees + funding, and net = net realised + unrealised, for every row.",
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

    @dg.multi_asset_check(specs=check_specs("wallet_pnl", PNL_CHECKS, daily_partitions(settings)))
    def wallet_pnl_checks(context: dg.AssetCheckExecutionContext, lake: LakeResource, market: MarketResource):
        from hl_pipeline.steps.wallet_pnl_checks import pnl_outcomes

        outcomes = pnl_outcomes(lake.path, run_dates(context)[0], list(market.coins))
        yield from report(context, "wallet_pnl", outcomes, PNL_CHECKS)

    return [wallet_position_checks, wallet_pnl_checks]

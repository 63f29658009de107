"""Wallets: the tracked set, their fills and positions, reconciled against the exchange."""

import dagster as dg

from hl_pipeline.defs.wallets.assets import wallet_assets
from hl_pipeline.defs.wallets.checks import wallet_checks
from hl_pipeline.settings import Settings


def wallet_definitions(settings: Settings) -> dg.Definitions:
    job = dg.define_asset_job(
        "wallets_job",
        selection=dg.AssetSelection.groups("wallets"),
        description="The tracked wallets, their fills and positions for the selected days, reconciled.",
    )
    return dg.Definitions(assets=wallet_assets(settings), asset_checks=wallet_checks(settings), jobs=[job])

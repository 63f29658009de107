"""InfoClient's exchange-wide queries (no user): spot, perp dexes, funding forecasts, vaults,
outcomes, lending. Each method sends exactly the keys the caller gave."""

from __future__ import annotations

from typing import Any

from hl_pipeline.exchange import lending_payloads as lending
from hl_pipeline.exchange import market_payloads as market
from hl_pipeline.exchange import outcome_payloads as outcomes
from hl_pipeline.exchange import perp_dex_payloads as dexes
from hl_pipeline.exchange import spot_payloads as spot
from hl_pipeline.exchange import universe_payloads as universe
from hl_pipeline.exchange import vault_payloads as vaults
from hl_pipeline.exchange.validation import check_user
from hl_pipeline.exchange.wallet_queries import Asks


def _body(rtype: str, **optional: Any) -> dict:
    return {"type": rtype, **{k: v for k, v in optional.items() if v is not None}}


class MarketQueries:
    """Mixed into InfoClient."""

    def exchange_status(self: Asks) -> market.ExchangeStatus:
        return self._ask(_body("exchangeStatus"), market.parse_exchange_status)

    def predicted_fundings(self: Asks) -> dict[str, dict[str, market.PredictedFunding | None]]:
        return self._ask(_body("predictedFundings"), market.parse_predicted_fundings)

    def perps_at_open_interest_cap(self: Asks, dex: str | None = None) -> list[str]:
        return self._ask(_body("perpsAtOpenInterestCap", dex=dex), market.parse_coins)

    # -- spot --------------------------------------------------------------------------------------

    def spot_meta(self: Asks) -> spot.SpotMeta:
        return self._ask(_body("spotMeta"), spot.parse_spot_meta)

    def spot_meta_and_asset_ctxs(self: Asks) -> tuple[spot.SpotMeta, list[spot.SpotAssetContext]]:
        return self._ask(_body("spotMetaAndAssetCtxs"), spot.parse_spot_meta_and_asset_ctxs)

    def token_details(self: Asks, token_id: str) -> spot.TokenDetails:
        """`token_id`: the 34-character hex id from spotMeta's tokens."""
        return self._ask(_body("tokenDetails", tokenId=token_id), spot.parse_token_details)

    def spot_pair_deploy_auction_status(self: Asks) -> dexes.GasAuction:
        return self._ask(_body("spotPairDeployAuctionStatus"), dexes.parse_gas_auction)

    # -- perp dexes ----------------------------------------------------------------------------------

    def perp_dexs(self: Asks) -> list[dexes.PerpDex | None]:
        return self._ask(_body("perpDexs"), dexes.parse_perp_dexs)

    def all_perp_metas(self: Asks) -> list[tuple[universe.Meta, list[universe.AssetContext] | None]]:
        return self._ask(_body("allPerpMetas"), universe.parse_all_perp_metas)

    def perp_dex_limits(self: Asks, dex: str) -> dexes.PerpDexLimits:
        """A builder-deployed dex's caps (the empty string, the first dex, is refused)."""
        return self._ask(_body("perpDexLimits", dex=dex), dexes.parse_perp_dex_limits)

    def perp_dex_status(self: Asks, dex: str | None = None) -> dexes.PerpDexStatus:
        return self._ask(_body("perpDexStatus", dex=dex), dexes.parse_perp_dex_status)

    def perp_deploy_auction_status(self: Asks) -> dexes.GasAuction:
        return self._ask(_body("perpDeployAuctionStatus"), dexes.parse_gas_auction)

    def perp_annotation(self: Asks, coin: str) -> dexes.PerpAnnotation | None:
        return self._ask(_body("perpAnnotation", coin=coin), dexes.parse_perp_annotation)

    def perp_concise_annotations(self: Asks) -> dict[str, dexes.PerpAnnotation]:
        return self._ask(_body("perpConciseAnnotations"), dexes.parse_perp_concise_annotations)

    def perp_categories(self: Asks) -> dict[str, str]:
        return self._ask(_body("perpCategories"), dexes.parse_perp_categories)

    # -- vaults, outcomes, lending ---------------------------------------------------------------------

    def vault_details(self: Asks, vault_address: str, user: str | None = None) -> vaults.VaultDetails:
        """`user`, when given, fills `follower_state` with that user's stake."""
        body = _body(
            "vaultDetails",
            vaultAddress=check_user(vault_address),
            user=None if user is None else check_user(user),
        )
        return self._ask(body, vaults.parse_vault_details)

    def outcome_meta(self: Asks) -> outcomes.OutcomeMeta:
        return self._ask(_body("outcomeMeta"), outcomes.parse_outcome_meta)

    def settled_outcome(self: Asks, outcome: int) -> outcomes.SettledOutcome:
        return self._ask(_body("settledOutcome", outcome=outcome), outcomes.parse_settled_outcome)

    def borrow_lend_reserve_state(self: Asks, token: int) -> lending.ReserveState:
        return self._ask(_body("borrowLendReserveState", token=token), lending.parse_reserve_state)

    def all_borrow_lend_reserve_states(self: Asks) -> dict[int, lending.ReserveState]:
        return self._ask(_body("allBorrowLendReserveStates"), lending.parse_all_reserve_states)

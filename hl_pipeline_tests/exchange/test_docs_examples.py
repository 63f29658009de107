"""Parsers of info types no recording covers, on the response examples of the official docs
(docs_examples.json: shapes copied from the info-endpoint pages, values shortened): each parses,
keeps every key, and reads the values right."""

import json
from pathlib import Path

import pytest

from hl_pipeline.exchange import (
    account_payloads,
    lending_payloads,
    market_payloads,
    outcome_payloads,
    perp_dex_payloads,
    spot_payloads,
    staking_payloads,
    universe_payloads,
    user_payloads,
    vault_payloads,
)
from hl_pipeline.exchange.records import to_wire
from hl_pipeline_tests.exchange.recordings import missing_keys

BODIES = json.loads((Path(__file__).parent / "docs_examples.json").read_text())
PARSERS = {
    "activeAssetData": account_payloads.parse_active_asset_data,
    "allBorrowLendReserveStates": lending_payloads.parse_all_reserve_states,
    "allPerpMetas": universe_payloads.parse_all_perp_metas,
    "borrowLendUserState": lending_payloads.parse_lending_user_state,
    "delegations": staking_payloads.parse_delegations,
    "delegatorRewards": staking_payloads.parse_delegator_rewards,
    "delegatorSummary": staking_payloads.parse_delegator_summary,
    "exchangeStatus": market_payloads.parse_exchange_status,
    "metaAndAssetCtxs": universe_payloads.parse_meta_and_asset_ctxs,
    "outcomeMeta": outcome_payloads.parse_outcome_meta,
    "perpAnnotation": perp_dex_payloads.parse_perp_annotation,
    "perpCategories": perp_dex_payloads.parse_perp_categories,
    "perpConciseAnnotations": perp_dex_payloads.parse_perp_concise_annotations,
    "perpDeployAuctionStatus": perp_dex_payloads.parse_gas_auction,
    "perpDexLimits": perp_dex_payloads.parse_perp_dex_limits,
    "perpDexStatus": perp_dex_payloads.parse_perp_dex_status,
    "perpDexs": perp_dex_payloads.parse_perp_dexs,
    "perpsAtOpenInterestCap": market_payloads.parse_coins,
    "predictedFundings": market_payloads.parse_predicted_fundings,
    "referral": user_payloads.parse_referral,
    "settledOutcome": outcome_payloads.parse_settled_outcome,
    "spotDeployState": perp_dex_payloads.parse_spot_deploy_state,
    "spotMetaAndAssetCtxs": spot_payloads.parse_spot_meta_and_asset_ctxs,
    "subAccounts": user_payloads.parse_sub_accounts,
    "tokenDetails": spot_payloads.parse_token_details,
    "userFees": user_payloads.parse_user_fees,
    "vaultDetails": vault_payloads.parse_vault_details,
}


def _parse(rtype):
    return PARSERS[rtype](BODIES[rtype], {"type": rtype})


def test_every_example_has_a_parser():
    assert set(BODIES) - {"_source"} == set(PARSERS)


@pytest.mark.parametrize("rtype", sorted(PARSERS))
def test_docs_example_parses_with_nothing_dropped(rtype):
    assert missing_keys(BODIES[rtype], to_wire(_parse(rtype))) == []


def test_docs_example_values():
    fees = _parse("userFees")
    assert (fees.user_cross_rate, fees.user_add_rate, fees.fee_schedule.spot_cross) == (
        0.000315,
        0.000105,
        0.0007,
    )
    assert fees.daily_user_vlm[0].exchange == 2852367.077 and fees.trial is None
    (sub,) = _parse("subAccounts")
    assert sub.clearinghouse_state.withdrawable == 29.78 and sub.spot_state.balances[0].total == 0.22
    vault = _parse("vaultDetails")
    assert vault.portfolio["day"].account_value_history == ((1734397526634, 329265410.9),)
    assert vault.leader_commission == 0.0 and vault.followers[0].days_following == 388
    predicted = _parse("predictedFundings")
    assert predicted["AVAX"]["HlPerp"].funding_rate == 0.0000125 and predicted["AVAX"]["BybitPerp"] is None
    assert _parse("exchangeStatus").time == 1764617438643
    main, test_dex = _parse("perpDexs")
    assert main is None and test_dex.asset_to_streaming_oi_cap == {"COIN1": 100000.0}
    ((_, ctxs),) = _parse("allPerpMetas")
    ((bare, none),) = universe_payloads.parse_all_perp_metas([BODIES["allPerpMetas"][0][0]])  # bare metas too
    assert ctxs[0].funding == 0.0000125 and none is None
    assert bare.universe[0].margin_mode == "strictIsolated" and bare.margin_tables is not None
    assert bare.margin_tables[51].margin_tiers[1].max_leverage == 5
    assert _parse("activeAssetData").leverage_raw_usd == 0.0
    assert _parse("allBorrowLendReserveStates")[0].borrow_yearly_rate == 0.05
    assert _parse("borrowLendUserState").token_to_state[0].supply_value == 44.69692314
    assert [s.name for s in _parse("settledOutcome").spec.side_specs] == ["Yes", "No"]
    assert _parse("perpCategories") == {"birb:PENGU": "test_cat", "nq:TEST": "preipo"}
    assert user_payloads.parse_sub_accounts(None, {"type": "subAccounts"}) == []
    assert perp_dex_payloads.parse_perp_annotation(None) is None

"""Everything the code location derives follows the settings it is built from, twice in one process."""

import dagster as dg

from hl_pipeline.definitions import build_definitions
from hl_pipeline.settings import Settings


def _derived(defs: dg.Definitions) -> dict:
    graph = defs.resolve_asset_graph()
    training = graph.get(dg.AssetKey("training_set"))
    mapping = training.partition_mappings[dg.AssetKey("features")]
    assert isinstance(mapping, dg.TimeWindowPartitionMapping)
    models_job = defs.resolve_job_def("models_job")
    market = defs.resolve_job_def("market_job")
    assert models_job.partitions_def is not None and market.partitions_def is not None
    resources = defs.resources or {}
    return {
        "targets": models_job.partitions_def.get_partition_keys(),
        "training_offset": mapping.start_offset,
        "coins": resources["market"].coins,
        "first_day": market.partitions_def.get_first_partition_key(),
        "bar": resources["ml"].bar,
        "api_url": resources["hyperliquid"].api_url,
    }


def test_two_environments_in_one_process_give_two_code_locations():
    first = Settings.from_env({"HL_COINS": "BTC,ETH,SOL", "HL_TRAINING_DAYS": "14", "HL_API_URL": "mainnet"})
    second = Settings.from_env(
        {"HL_COINS": "BTC", "HL_TRAINING_DAYS": "7", "HL_START_DATE": "2025-06-01", "HL_FEATURE_BAR": "5m"}
    )
    a, b = _derived(build_definitions(first)), _derived(build_definitions(second))
    assert a["targets"] == [f"{c}_{h}m" for c in ("BTC", "ETH", "SOL") for h in (5, 15, 60)]
    assert b["targets"] == ["BTC_5m", "BTC_15m", "BTC_60m"]
    assert (a["training_offset"], b["training_offset"]) == (-13, -6)
    assert (a["coins"], b["coins"]) == (["BTC", "ETH", "SOL"], ["BTC"])
    assert (a["first_day"], b["first_day"]) == ("2024-01-01", "2025-06-01")
    assert (a["bar"], b["bar"]) == ("1m", "5m")
    assert (a["api_url"], b["api_url"]) == ("mainnet", "http://127.0.0.1:8787")
    # building the second did not change the first: nothing is module-level state
    assert _derived(build_definitions(first)) == a

"""Spot contexts from spotMetaAndAssetCtxs (the official docs' example): one row per pair and run,
filed under the pair's lake key, perp-only columns null; today appends, a past day keeps its rows."""

import json
from pathlib import Path

from hl_pipeline.exchange.spot_payloads import parse_spot_meta_and_asset_ctxs
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.market.spot_contexts import ingest_spot_contexts, snapshot_rows
from hl_pipeline_tests.lake.helpers import manifest_of, partition_of

DOCS = Path(__file__).parents[1] / "exchange" / "docs_examples.json"
SNAPSHOT = parse_spot_meta_and_asset_ctxs(json.loads(DOCS.read_text())["spotMetaAndAssetCtxs"])
DAY = "2024-03-01"
NOON = day_start_ms(DAY) + 12 * 3_600_000


def test_a_snapshot_row_holds_the_pairs_context_under_its_key():
    rows = snapshot_rows(*SNAPSHOT, ["PURR/USDC", "@9"], NOON)
    (row,) = rows["PURR-USDC"].to_pylist()
    assert (row["coin"], row["mark_px"], row["mid_px"], row["prev_day_px"], row["day_ntl_vlm"]) == (
        "PURR-USDC",
        0.14,
        0.209265,
        0.20432,
        8906.0,
    )
    assert row["funding"] is None and row["open_interest"] is None and row["source"] == "snapshot"
    assert rows["spot-9"].num_rows == 0  # not listed: no row, never a made-up one


def test_today_gathers_a_snapshot_per_run_and_a_past_day_keeps_its_own(tmp_path):
    def snapshot():
        return SNAPSHOT

    for minutes in (0, 5):
        (m,) = ingest_spot_contexts(snapshot, tmp_path, ["PURR/USDC"], DAY, NOON + minutes * 60_000)
    assert m.rows == 2 and partition_of(tmp_path, "asset_contexts", DAY, "PURR-USDC").num_rows == 2
    kept = manifest_of(tmp_path, "asset_contexts", DAY, "PURR-USDC").content_hash
    (later,) = ingest_spot_contexts(snapshot, tmp_path, ["PURR/USDC"], DAY, NOON + 86_400_000)
    assert later.rows == 2 and later.content_hash == kept  # the day is past: nothing added or lost
    (never,) = ingest_spot_contexts(snapshot, tmp_path, ["PURR/USDC"], "2024-02-01", NOON)
    assert never.rows == 0 and "only for the present" in never.unavailable[0]["reason"]

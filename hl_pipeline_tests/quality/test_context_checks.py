"""Asset-context checks: values within bounds, one row per minute and coin in order."""

import pyarrow as pa

from hl_pipeline.lake.schemas import ASSET_CONTEXTS
from hl_pipeline.quality.context_checks import check_contexts
from hl_pipeline_tests.quality.conftest import by_check, failed
from hl_pipeline_tests.quality.frames import day_ms

DATES = ["2024-03-01", "2024-03-02"]


def good():
    rows = [
        {
            "coin": coin,
            "time": day_ms(DATES[0]) + k * 60_000,
            "funding": 1.25e-5,
            "open_interest": 1000.0 + k,
            "prev_day_px": 100.0,
            "day_ntl_vlm": 5e6,
            "premium": None if k % 7 == 0 else -2e-4,
            "oracle_px": 101.0,
            "mark_px": 101.1,
            "mid_px": 101.05,
            "impact_bid_px": 101.0,
            "impact_ask_px": 101.1,
            "source": "archive",
            "ingest_time": 0,
        }
        for coin in ("BTC", "ETH")
        for k in range(2 * 1440)
    ]
    return pa.Table.from_pylist(rows, schema=ASSET_CONTEXTS).to_pandas()


def test_good_contexts_pass_every_check_on_every_date():
    outcomes = check_contexts(good(), DATES)
    assert len(outcomes) == 3 * 2 and failed(outcomes) == set()


def test_a_negative_open_interest_or_a_zero_price_fails_only_its_date():
    df = good()
    df.loc[1500, "open_interest"] = -1.0  # BTC, 2024-03-02
    df.loc[1501, "mark_px"] = 0.0
    outcomes = check_contexts(df, DATES)
    assert failed(outcomes) == {("asset_contexts_valid_values", "2024-03-02")}
    assert by_check(outcomes, "asset_contexts_valid_values")["2024-03-02"].metadata["unexpected_rows"] == 2


def test_a_repeated_minute_fails_unique_increasing():
    df = good()
    df.loc[11, "time"] = df.loc[10, "time"]
    assert failed(check_contexts(df, DATES)) == {("asset_contexts_unique_increasing", "2024-03-01")}

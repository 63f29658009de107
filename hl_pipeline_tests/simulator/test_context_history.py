"""The simulated asset_ctxs archive holds, each minute, the context metaAndAssetCtxs served then."""

import numpy as np
import pytest

from hl_pipeline.exchange.archive import read_asset_ctxs
from hl_pipeline.exchange.archive.keys import asset_ctxs_key
from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.simulator.archives import write_ctxs_archive
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.contexts import asset_ctx
from hl_pipeline.simulator.market import Market

DAY = "2024-02-28"
FIELDS = {
    "funding": "funding",
    "open_interest": "openInterest",
    "prev_day_px": "prevDayPx",
    "day_ntl_vlm": "dayNtlVlm",
    "premium": "premium",
    "oracle_px": "oraclePx",
    "mark_px": "markPx",
    "mid_px": "midPx",
}


def test_each_minute_row_is_the_context_served_at_that_minute(tmp_path):
    market = Market(SimulatorConfig(seed=5, now_ms=1_709_296_200_000))
    rows = write_ctxs_archive(market, tmp_path, DAY, ["BTC", "ETH"])
    assert rows == 2 * 1440
    with open(tmp_path / asset_ctxs_key(DAY), "rb") as fh:
        table = read_asset_ctxs(fh).to_pylist()
    start = day_start_ms(DAY)
    for row in (table[0], table[777], table[1440 + 1439]):
        t = int(row["time"].timestamp() * 1000)
        assert t % MINUTE_MS == 0 and start <= t < start + 1440 * MINUTE_MS
        coin_id = market.coin_id(row["coin"])
        served = asset_ctx(market.config, coin_id, market.sources[coin_id], t)
        for column, key in FIELDS.items():
            assert row[column] == pytest.approx(float(served[key]), rel=1e-9), (column, t)
        assert [row["impact_bid_px"], row["impact_ask_px"]] == [float(x) for x in served["impactPxs"]]
    oi = np.array([r["open_interest"] for r in table[:1440]])
    assert len(np.unique(oi)) > 10  # it moves through the day

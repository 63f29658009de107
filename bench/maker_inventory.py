"""Market makers' inventory on the simulator's tape: how far from flat each maker is at each hour's
end, against the volume it makes an hour, and the share of trades makers make.

Per seed, 3 days of BTC and SOL from the default simulator (fixed clock). `python -m
bench.maker_inventory [SEED...]`.
"""

from __future__ import annotations

import statistics
import sys

from bench.common import save, table
from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline_tests.simulator.makers import hour_end_inventory_ratios, maker_share

SEEDS = (202, 303, 404)
NOW_MS = 1_709_251_200_000  # 2024-03-01
DAYS = 3


def main(seeds: tuple[int, ...] = SEEDS) -> dict:
    rows = []
    for seed in seeds:
        market = Market(SimulatorConfig(seed=seed, now_ms=NOW_MS, rate_limit=False))
        for coin in ("BTC", "SOL"):
            t = market.tape.window(market.coin_id(coin), NOW_MS - DAYS * DAY_MS, NOW_MS - 1)
            ratios = hour_end_inventory_ratios(t, market.wallets.n_makers)
            rows.append(
                {
                    "seed": seed,
                    "coin": coin,
                    "trades": len(t.time),
                    "maker_share": round(maker_share(t, market.wallets.n_makers), 3),
                    "median_inventory_ratio": round(statistics.median(ratios), 3),
                    "max_inventory_ratio": round(max(ratios), 3),
                }
            )
    print(table(rows))
    payload = {"days": DAYS, "rows": rows}
    save("maker_inventory", payload)
    return payload


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SEEDS)

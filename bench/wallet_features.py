"""What the wallet features (whale net flow, smart-money net position, market-maker inventory,
liquidation volume) add to a day's features: one more day of 1m bars for 5 coins after 30 days of
history (features_year's synthetic candles, funding and open interest), without wallet inputs and
with the fills and profiles of 50, 500 and 5,000 tracked wallets (FILLS_PER_WALLET a day each over
the coins, kinds in roughly the simulator's proportions), RUNS runs each.

`python -m bench wallet_features`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import save, table
from bench.features_year import COINS, DAY, START, _by_day, _one_more_day, _ts, synthetic_inputs

HISTORY = 30
TRACKED = (50, 500, 5_000)
FILLS_PER_WALLET = 20  # a day, over the coins
RUNS = 3
KINDS = {"market_maker": 0.01, "whale": 0.02, "smart_money": 0.05, "bot": 0.05, "retail": 0.87}


def synthetic_wallets(days: int, wallets: int, seed: int = 2) -> dict[str, pd.DataFrame]:
    """`wallets` tracked wallets' fills on COINS and a profile of each at every day's end."""
    rng = np.random.default_rng(seed)
    users = np.asarray([f"0x{i:040x}" for i in range(wallets)], dtype=object)
    n = days * wallets * FILLS_PER_WALLET
    day = rng.integers(0, days, n)
    liquidated = rng.random(n) < 0.001
    user = rng.integers(0, wallets, n)
    fills = pd.DataFrame(
        {
            "coin": np.asarray(COINS, dtype=object)[rng.integers(0, len(COINS), n)],
            "time": START + day * DAY + rng.integers(0, DAY, n),
            "user": users[user],
            "sz": rng.lognormal(0, 1, n),
            "side": np.where(rng.random(n) < 0.5, "B", "A"),
            "start_position": rng.normal(0, 10, n),
            "liquidation": None,
        }
    )
    fills.loc[liquidated, "liquidation"] = [f'{{"liquidatedUser": "{u}"}}' for u in users[user[liquidated]]]
    kinds = rng.choice(list(KINDS), wallets, p=list(KINDS.values()))
    ends = START + np.arange(1, days + 1, dtype=np.int64) * DAY
    profiles = pd.DataFrame(
        {"time": np.repeat(ends, wallets), "user": np.tile(users, days), "kind": np.tile(kinds, days)}
    )
    fills["time"], profiles["time"] = _ts(fills["time"].to_numpy()), _ts(profiles["time"].to_numpy())
    return {"wallet_fills": fills, "wallet_profiles": profiles}


def main(work: Path) -> dict:
    """`work` is unused (everything is in memory)."""
    days = HISTORY + 2
    base = synthetic_inputs(days)
    rows, payload = [], {}
    for wallets in (0, *TRACKED):
        inputs = base if not wallets else {**base, **synthetic_wallets(days, wallets)}
        partitions = _by_day(inputs)
        _one_more_day(partitions, 5)  # warm-up
        runs = [_one_more_day(partitions, HISTORY) for _ in range(RUNS)]
        fills = len(inputs["wallet_fills"]) // days if wallets else 0
        payload[wallets] = runs
        rows.append(
            {
                "tracked wallets": wallets,
                "fills a day": f"{fills:,}",
                "seconds (best)": f"{min(runs):.2f}",
                "median": f"{float(np.median(runs)):.2f}",
                "spread": f"{min(runs):.2f}-{max(runs):.2f}",
                "over none": f"{min(runs) / min(payload[0]):.2f}x",
            }
        )
        print(rows[-1], flush=True)
    print(table(rows))
    save("wallet_features", {"history_days": HISTORY, "runs": RUNS, "seconds": payload})
    return payload


if __name__ == "__main__":
    main(Path("."))

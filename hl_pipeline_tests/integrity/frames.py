"""Planted frames for the pure detector tests, and simulated coin-days with their truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market

DAY = 1_709_164_800_000  # 2024-02-29


def background(rng: np.random.Generator, n: int, wallets: int = 300, start: int = DAY) -> pd.DataFrame:
    """Random trades: a few busy makers on one side, anyone as taker."""
    addr = np.asarray([f"0x{i:040x}" for i in range(wallets)])
    maker = rng.integers(0, 5, n)
    taker = rng.integers(5, wallets, n)
    buy = rng.random(n) < 0.5
    return pd.DataFrame(
        {
            "time": np.sort(rng.integers(start, start + DAY_MS, n)),
            "px": 100.0 * np.exp(np.cumsum(rng.normal(0, 1e-4, n))),
            "sz": np.round(rng.exponential(5.0, n), 2) + 0.01,
            "side": np.where(buy, "B", "A"),
            "buyer": addr[np.where(buy, taker, maker)],
            "seller": addr[np.where(buy, maker, taker)],
        }
    )


def simulated_day(seed: int, coin_id: int, rate: float) -> tuple[pd.DataFrame, list[dict]]:
    """One coin-day of the simulator's tape as the lake holds it, and the planted truth of the coin."""
    config = SimulatorConfig(seed=seed, integrity_rate=rate, now_ms=DAY + 2 * DAY_MS)
    market = Market(config)
    wal, spec = market.wallets, config.coins[coin_id]
    t = market.tape.window(coin_id, DAY, DAY + DAY_MS - 1)
    addresses = np.asarray(wal.addresses)
    frame = pd.DataFrame(
        {
            "time": t.time,
            "px": t.px,
            "sz": t.lots / 10.0**spec.sz_decimals,
            "side": np.where(t.buy, "B", "A"),
            "buyer": addresses[t.buyer],
            "seller": addresses[t.seller],
        }
    )
    coins = tuple(c.name for c in config.coins)
    truth = manipulation.truth(seed, coins, rate, wal.addresses, wal.of_kind("retail"), DAY, DAY + DAY_MS)
    return frame, [e for e in truth if e["coin"] == spec.name]


def book_levels(times: list[int], big: dict[int, tuple[int, float]]) -> pd.DataFrame:
    """20-level books around 100; `big[t] = (level, size)` puts a large bid there at time t."""
    rows = []
    for t in times:
        for side, sign in (("bid", -1), ("ask", 1)):
            for level in range(20):
                size = 10.0 + level % 3
                if side == "bid" and t in big and big[t][0] == level:
                    size = big[t][1]
                rows.append((t, side, level, 100.0 + sign * 0.01 * (level + 1), size, 1))
    return pd.DataFrame(rows, columns=["time", "side", "level", "px", "sz", "n"])

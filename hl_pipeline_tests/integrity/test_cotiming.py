"""Linked-address clusters by co-timing: accounts that act together are found with exactly their
addresses; bots on one clock second, a crowded burst and pairs on opposite sides are not linked."""

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.cotiming import cotiming_events
from hl_pipeline_tests.integrity.frames import DAY, background, simulated_day

PAIR = ("0x" + "a" * 40, "0x" + "b" * 40)


def _together(
    start: int, bursts: int, every_ms: int, sides: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Each burst k: PAIR's members each take one order (against a random maker) within 300 ms, member
    j buying if sides[k, j]."""
    rows = []
    for k in range(bursts):
        t = start + k * every_ms + int(rng.integers(0, 50_000))
        for j, member in enumerate(PAIR):
            maker = f"0x{int(rng.integers(0, 5)):040x}"
            buy = bool(sides[k, j])
            rows.append(
                (
                    t + int(rng.integers(0, 300)),
                    100.0,
                    1.0,
                    "B" if buy else "A",
                    *((member, maker) if buy else (maker, member)),
                )
            )
    return pd.DataFrame(rows, columns=["time", "px", "sz", "side", "buyer", "seller"])


def test_accounts_taking_orders_together_are_one_cluster():
    rng = np.random.default_rng(1)
    start = DAY + 6 * 3_600_000
    trades = pd.concat(
        [
            background(rng, 20_000),
            _together(start, 40, 3 * MINUTE_MS, np.repeat(rng.random((40, 1)) < 0.5, 2, axis=1), rng),
        ]
    )
    (event,) = cotiming_events(trades.sort_values("time"))
    assert event.type == "linked_cluster" and event.addresses == tuple(sorted(PAIR))
    assert start <= event.start_ms < start + MINUTE_MS and event.end_ms > start + 38 * 3 * MINUTE_MS
    (pair,) = event.evidence["pairs"]
    assert pair["cotimed"] == 40 and pair["same_side"] == 1.0 and pair["expected"] < 0.5


def test_bots_on_one_second_a_crowded_burst_and_opposite_sides_are_not_linked():
    rng = np.random.default_rng(2)
    bg = background(rng, 20_000)
    beats = DAY + np.arange(288) * 5 * MINUTE_MS + 17_000  # two clocks at second 17 of every 5th minute
    bots = pd.DataFrame(
        {
            "time": np.concatenate([beats, beats + 200]),
            "px": 100.0,
            "sz": 1.0,
            "side": np.where(rng.random(576) < 0.5, "B", "A"),
            "buyer": ["0x" + "c" * 40] * 288 + ["0x" + "d" * 40] * 288,
            "seller": "0x" + "0" * 40,
        }
    )
    bots.loc[bots["side"] == "A", ["buyer", "seller"]] = bots.loc[
        bots["side"] == "A", ["seller", "buyer"]
    ].to_numpy()
    burst = _together(DAY + 3_600_000, 8, 20_000, np.ones((8, 2), bool), rng)  # 8 together, inside 3 minutes
    opposite = _together(
        DAY + 9 * 3_600_000,
        40,
        3 * MINUTE_MS,
        np.stack([np.ones(40), np.arange(40) % 2], axis=1).astype(bool),
        rng,
    )
    opposite[["buyer", "seller"]] = opposite[["buyer", "seller"]].replace(
        {PAIR[0]: "0x" + "e" * 40, PAIR[1]: "0x" + "f" * 40}
    )
    assert cotiming_events(pd.concat([bg, bots, burst, opposite]).sort_values("time")) == []


def test_planted_clusters_of_simulated_days_are_found_with_their_addresses_and_none_in_null_mode():
    for seed in (3, 7):
        for coin_id in range(5):
            trades, truth = simulated_day(seed, coin_id, 1.0)
            planted = sorted(tuple(sorted(e["addresses"])) for e in truth if e["type"] == "linked_cluster")
            found = sorted(e.addresses for e in cotiming_events(trades))
            assert found == planted, (seed, coin_id)
            assert cotiming_events(simulated_day(seed, coin_id, 0.0)[0]) == []

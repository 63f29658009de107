"""Liquidation cascades: planted by the simulator (one-sided forced orders, liquidations on the fills,
open interest falling) and found by the detector; one-sided flow that does not move the price, a
balanced burst and one swept order are not cascades."""

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.integrity.anomalies import coin_anomalies
from hl_pipeline.integrity.cascades import cascade_events
from hl_pipeline.integrity.matching import Window, match
from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.context_history import open_interest
from hl_pipeline.simulator.fills import fills_by_time, liquidations
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.trades import trade_ids
from hl_pipeline_tests.integrity.frames import DAY, simulated_day

CASCADE_DAYS = ((3, 2), (3, 4), (7, 0), (7, 3))  # (seed, coin) days with one planted cascade each


def _day(rng: np.random.Generator, sell_share: dict[int, float], drift_bps: dict[int, float]) -> pd.DataFrame:
    """20 orders a minute (60 in the minutes of `sell_share`, with that share of sells), prices a
    random walk of 2 bps a minute plus `drift_bps` in the given minutes."""
    rows = []
    log_px = np.log(100.0)
    for m in range(1440):
        n = 60 if m in sell_share else 20
        sells = rng.random(n) < sell_share.get(m, 0.5)
        log_px += rng.normal(0, 2e-4) + drift_bps.get(m, 0.0) / 1e4
        t = DAY + m * MINUTE_MS + np.sort(rng.integers(0, MINUTE_MS, n))
        for i in range(n):
            taker, maker = f"0x{rng.integers(10, 500):040x}", f"0x{rng.integers(0, 10):040x}"
            rows.append(
                (
                    t[i],
                    float(np.exp(log_px)),
                    1.0,
                    "A" if sells[i] else "B",
                    *((maker, taker) if sells[i] else (taker, maker)),
                )
            )
    return pd.DataFrame(rows, columns=["time", "px", "sz", "side", "buyer", "seller"])


def test_one_sided_flow_that_moves_the_price_is_a_cascade():
    minutes = range(600, 612)
    trades = _day(np.random.default_rng(1), dict.fromkeys(minutes, 0.85), dict.fromkeys(minutes, -15.0))
    (event,) = cascade_events(trades, DAY, DAY + DAY_MS)
    assert event.evidence["direction"] == "longs liquidated" and event.evidence["return_bps"] < -100
    assert DAY + 598 * MINUTE_MS <= event.start_ms <= DAY + 603 * MINUTE_MS
    assert DAY + 610 * MINUTE_MS <= event.end_ms <= DAY + 614 * MINUTE_MS
    assert event.evidence["imbalance"] < -0.5 and event.evidence["orders_x_usual"] > 2


def test_flow_against_the_move_a_balanced_burst_and_one_swept_order_are_not_cascades():
    minutes = range(600, 612)
    rng = np.random.default_rng(2)
    assert (
        cascade_events(
            _day(rng, dict.fromkeys(minutes, 0.85), dict.fromkeys(minutes, 15.0)), DAY, DAY + DAY_MS
        )
        == []
    )
    assert (
        cascade_events(
            _day(rng, dict.fromkeys(minutes, 0.5), dict.fromkeys(minutes, -15.0)), DAY, DAY + DAY_MS
        )
        == []
    )
    trades = _day(rng, {}, dict.fromkeys(minutes, -15.0))
    sweep = pd.DataFrame(  # one seller's order taking 400 resting orders, a minute at a time
        {
            "time": np.repeat(DAY + np.arange(600, 608) * MINUTE_MS + 1, 50),
            "px": 99.0,
            "sz": 1.0,
            "side": "A",
            "buyer": [f"0x{i:040x}" for i in range(400)],
            "seller": "0x" + "f" * 40,
        }
    )
    assert cascade_events(pd.concat([trades, sweep]).sort_values("time"), DAY, DAY + DAY_MS) == []


def _cascade(seed: int, coin_id: int) -> tuple[SimulatorConfig, manipulation.Episode, Market, int]:
    """A cascade day's simulator at integrity rate 1: its config, the cascade, the market and when the
    forced minutes end."""
    config = SimulatorConfig(seed=seed, integrity_rate=1.0, now_ms=DAY + 2 * DAY_MS)
    (e,) = manipulation.day_episodes(seed, coin_id, DAY // DAY_MS, 1.0, "liquidation_cascade")
    return config, e, Market(config), e.start_ms + e.lead_min * MINUTE_MS


def test_a_planted_cascade_liquidates_one_side_and_closes_open_interest():
    seed, coin_id = CASCADE_DAYS[0]
    config, e, market, forced_end = _cascade(seed, coin_id)
    t = market.tape.window(coin_id, e.start_ms, forced_end - 1)
    victims, _ = liquidations(market.tape, coin_id, t)
    taker = np.where(t.buy, t.buyer, t.seller)
    liquidated = victims >= 0
    assert liquidated.mean() > 0.4 and (victims[liquidated] == taker[liquidated]).all()
    assert (t.buy[liquidated] == (e.side > 0)).all()  # every forced order on the cascade's side
    before = market.tape.window(coin_id, e.start_ms - 60 * MINUTE_MS, e.start_ms - 1)
    assert (liquidations(market.tape, coin_id, before)[0] >= 0).mean() < 0.05
    oi = open_interest(config, coin_id, np.asarray([e.start_ms, forced_end]))
    null = open_interest(
        SimulatorConfig(seed=seed, now_ms=config.now_ms), coin_id, np.asarray([e.start_ms, forced_end])
    )
    assert oi[0] == null[0] and oi[1] / null[1] == 1 - e.level / 1e4


def test_a_cascades_last_forced_minutes_go_to_the_backstop_and_auto_deleverage_the_counterparty():
    for seed, coin_id in CASCADE_DAYS[:2]:
        config, e, market, forced_end = _cascade(seed, coin_id)
        boundary = forced_end - manipulation.CASCADE_BACKSTOP_MIN * MINUTE_MS
        (truth,) = [
            r
            for r in manipulation.config_truth(config, e.start_ms, e.end_ms)
            if r["type"] == "liquidation_cascade" and r["start_ms"] == e.start_ms
        ]
        assert truth["backstop_ms"] == boundary
        t = market.tape.window(coin_id, e.start_ms, forced_end - 1)
        victims, backstop = liquidations(market.tape, coin_id, t)
        assert backstop.any() and (victims[backstop] >= 0).all() and (t.time[backstop] >= boundary).all()
        late = (victims >= 0) & (t.time >= boundary)
        assert backstop[late].mean() > 0.8  # all but the rare ordinary liquidations in those minutes
        tids = trade_ids(seed, coin_id, t.key)[0]
        addresses = market.tape.wallets.addresses
        for i, adl in (
            (int(np.flatnonzero(backstop)[0]), True),
            (int(np.flatnonzero(victims >= 0)[0]), False),
        ):
            victim = int(victims[i])
            other = int(t.seller[i] if t.buyer[i] == victim else t.buyer[i])
            fills = {
                w: next(
                    f
                    for f in fills_by_time(market.tape, w, int(t.time[i]), int(t.time[i]), 10_000)
                    if f["tid"] == int(tids[i])
                )
                for w in (victim, other)
            }
            for f in fills.values():
                assert f["liquidation"]["liquidatedUser"] == addresses[victim]
                assert f["liquidation"]["method"] == ("backstop" if adl else "market")
            assert fills[victim]["dir"] != "Auto-Deleveraging"
            assert (fills[other]["dir"] == "Auto-Deleveraging") == adl


def test_the_guide_s_forced_fills_query_lists_the_liquidated_and_the_auto_deleveraged():
    seed, coin_id = CASCADE_DAYS[0]
    *_, market, forced_end = _cascade(seed, coin_id)
    t = market.tape.window(coin_id, forced_end - MINUTE_MS, forced_end - 1)  # inside the backstop minutes
    victims, backstop = liquidations(market.tape, coin_id, t)
    i = int(np.flatnonzero(backstop)[0])
    addresses = market.tape.wallets.addresses
    victim = int(victims[i])
    other = int(t.seller[i] if t.buyer[i] == victim else t.buyer[i])
    rows = [
        {
            "date": "2024-02-29",
            "time": f["time"],
            "coin": f["coin"],
            "user": addresses[w].lower(),
            "dir": f["dir"],
            "liquidation": json.dumps(f["liquidation"]) if "liquidation" in f else None,
            "px": float(f["px"]),
            "sz": float(f["sz"]),
            "closed_pnl": float(f["closedPnl"]),
        }
        for w in (victim, other)
        for f in fills_by_time(market.tape, w, int(t.time[i]) - MINUTE_MS, int(t.time[i]), 10_000)
    ]
    guide = (Path(__file__).resolve().parents[2] / "docs" / "analyst-guide.md").read_text()
    start = guide.index("-- Forced fills")
    wallet_fills = pd.DataFrame(rows)  # noqa: F841 (the query reads it by name)
    with duckdb.connect() as conn:
        found = conn.execute(guide[start : guide.index(";\n", start) + 1]).df()
    pair = found[found["time"] == int(t.time[i])]
    by_user = pair.set_index("user")
    assert by_user.loc[addresses[other].lower(), "dir"] == "Auto-Deleveraging"
    assert set(by_user["liquidated_user"]) == {addresses[victim]} and set(by_user["method"]) == {"backstop"}
    assert set(found["user"]) <= {addresses[victim].lower(), addresses[other].lower()}
    assert len(found) < len(rows)  # the two wallets' ordinary fills are left out


def test_planted_cascades_of_simulated_days_are_found_and_none_in_null_mode():
    for seed, coin_id in CASCADE_DAYS:
        trades, truth = simulated_day(seed, coin_id, 1.0)
        planted = [
            Window(e["type"], "c", e["start_ms"], e["forced_end_ms"])
            for e in truth
            if e["type"] == "liquidation_cascade"
        ]
        found = [e for e in coin_anomalies(trades, DAY, DAY + DAY_MS) if e.type == "liquidation_cascade"]
        pairs = match(planted, [Window(e.type, "c", e.start_ms, e.end_ms) for e in found])
        assert len(pairs) == len(planted) == len(found) == 1, (seed, coin_id, truth, found)
        (cascade,) = [e for e in truth if e["type"] == "liquidation_cascade"]
        assert found[0].evidence["direction"] == cascade["direction"]
        assert not [
            e
            for e in coin_anomalies(trades, DAY, DAY + DAY_MS)
            if e.type == "volume_spike"
            and e.start_ms < cascade["forced_end_ms"]
            and cascade["start_ms"] < e.end_ms
        ]
        null, _ = simulated_day(seed, coin_id, 0.0)
        assert cascade_events(null, DAY, DAY + DAY_MS) == []

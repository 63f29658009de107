"""The simulator's planted manipulation: consistent with its candles and books, absent in null mode,
and found by the detectors on a simulated coin-day (seeds the benchmark does not use)."""

import json

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.integrity.correlation import MOVES_PRICE, CorrelationParams, correlation_breaks, price_bars
from hl_pipeline.integrity.events import Event
from hl_pipeline.integrity.funding import funding_events
from hl_pipeline.integrity.matching import Window, match
from hl_pipeline.integrity.pumps import pump_events
from hl_pipeline.integrity.spikes import spike_events
from hl_pipeline.integrity.spoofing import name_spoofers, spoof_events
from hl_pipeline.integrity.wash import wash_events
from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.minutes import minute_candles
from hl_pipeline.simulator.wallets import wallets
from hl_pipeline_tests.integrity.frames import DAY, simulated_day

SEED = 3
OLD_KINDS = ("wash", "volume_spike", "price_spike")
NEW_KINDS = ("pump_and_dump", "funding_marking")
BREAKS = CorrelationParams()


def test_null_mode_plants_nothing_and_planting_leaves_other_minutes_alone():
    plain, truth = simulated_day(SEED, 3, 0.0)
    assert truth == [] and manipulation.episodes(SEED, 3, 0.0, "wash", DAY, DAY + DAY_MS) == []
    planted, truth = simulated_day(SEED, 3, 1.0)
    none_today = {"pump_and_dump", "correlation_break", "liquidation_cascade"}  # none on this coin-day
    assert {e["type"] for e in truth} == set(manipulation.KINDS) - none_today

    def outside(frame: pd.DataFrame, unit: int) -> pd.DataFrame:
        t = frame["time"].to_numpy()
        hit = np.zeros(len(t), bool)
        for e in truth:
            hit |= (t >= e["start_ms"] // unit * unit) & (t < -(-e["end_ms"] // unit) * unit)
        rows = frame[~hit].reset_index(drop=True)
        buy = rows["side"] == "B"
        taker, maker = rows["buyer"].where(buy, rows["seller"]), rows["seller"].where(buy, rows["buyer"])
        return rows.drop(columns=["buyer", "seller"]).assign(taker=taker, maker=maker)

    assert len(planted) > len(plain)
    # outside its minutes planting changes nothing but which makers unwind its flow within its hours
    pd.testing.assert_frame_equal(
        outside(planted, MINUTE_MS).drop(columns="maker"), outside(plain, MINUTE_MS).drop(columns="maker")
    )
    pd.testing.assert_frame_equal(outside(planted, 3_600_000), outside(plain, 3_600_000))


def test_planted_trades_agree_with_the_candles():
    config = SimulatorConfig(seed=SEED, integrity_rate=1.0)
    trades, truth = simulated_day(SEED, 3, 1.0)
    candles = minute_candles(SEED, 3, config.coins[3], DAY // MINUTE_MS, DAY // MINUTE_MS + 1440)
    minute = (trades["time"].to_numpy() - DAY) // MINUTE_MS
    assert (np.bincount(minute, minlength=1440) == candles.n).all()
    lots = np.round(trades["sz"].to_numpy() * 10 ** config.coins[3].sz_decimals)
    assert (np.bincount(minute, weights=lots, minlength=1440) == candles.v).all()
    wash = next(e for e in truth if e["type"] == "wash")
    ring = trades[trades["buyer"].isin(wash["addresses"]) & trades["seller"].isin(wash["addresses"])]
    assert len(ring) == (wash["end_ms"] - wash["start_ms"]) // MINUTE_MS


def _books_around(seed: int, coin_id: int, start_ms: int, end_ms: int) -> pd.DataFrame:
    """The served 20-level books every 600 ms (the WebSocket cadence) from 30 s before to 30 s after."""
    spec = SimulatorConfig(seed=seed, integrity_rate=1.0).coins[coin_id]
    rows = []
    for t in range(start_ms - 30_000, end_ms + 30_000, 600):
        book = l2_book(seed, coin_id, spec, t, None, None)
        for side, levels in zip(("bid", "ask"), book["levels"]):
            rows += [(book["time"], side, k, float(lv["px"]), float(lv["sz"])) for k, lv in enumerate(levels)]
    return pd.DataFrame(rows, columns=["time", "side", "level", "px", "sz"])


def test_a_planted_spoof_shows_in_the_served_books():
    (spoof, *_) = manipulation.episodes(SEED, 0, 1.0, "spoof", DAY, DAY + DAY_MS)
    books = _books_around(SEED, 0, spoof.start_ms, spoof.end_ms)
    (event,) = spoof_events(books, pd.DataFrame({"time": [], "px": [], "sz": [], "side": []}))
    assert event.evidence["side"] == ("bid" if spoof.side > 0 else "ask")
    assert spoof.start_ms - 600 <= event.start_ms and event.end_ms <= spoof.end_ms


def test_the_same_few_spoofers_place_every_spoof():
    coins = tuple(c.name for c in SimulatorConfig().coins)

    def spoofers(seed: int) -> list[str]:
        wal = wallets(seed)
        truth = manipulation.truth(
            seed, coins, 1.0, wal.addresses, wal.of_kind("retail"), DAY, DAY + 3 * DAY_MS
        )
        retail = {wal.addresses[i] for i in wal.of_kind("retail")}
        placed = [e["spoofer"] for e in truth if e["type"] == "spoof"]
        assert set(placed) <= retail and len(placed) > 10 * manipulation.SPOOFERS
        return placed

    three, seven = spoofers(SEED), spoofers(7)
    assert len(set(three)) == len(set(seven)) == manipulation.SPOOFERS and not set(three) & set(seven)


def test_a_spoofer_trades_against_its_spoof_and_is_named_first_among_the_opposite_takers():
    trades, truth = simulated_day(SEED, 1, 1.0)
    taker = np.where(trades["side"] == "B", trades["buyer"], trades["seller"])

    def during(e: dict) -> pd.DataFrame:  # the spoofer's taker trades while its spoof rests, and after
        window = trades["time"].between(e["start_ms"], e["end_ms"] + manipulation.SPOOF_AFTER_MS)
        return trades[(taker == e["spoofer"]) & window]

    traded = [e for e in truth if e["type"] == "spoof" and len(during(e))]
    named = []
    for spoof in traded:
        mine = during(spoof)
        assert (mine["side"] == ("A" if spoof["side"] == "bid" else "B")).all()  # against its spoof
        assert len(mine) <= spoof["spoofer_orders_max"]
        books = _books_around(SEED, 1, spoof["start_ms"], spoof["end_ms"])
        # a trade printing at or through the spoof's price counts as a fill: some are lost that way
        named += [
            e.evidence["opposite_takers"][0][0] == spoof["spoofer"] for e in spoof_events(books, trades)
        ]
    assert len(traded) == 2 and named == [True], (traded, named)


def test_wash_rings_and_spikes_of_a_simulated_day_are_found():
    for coin_id in (0, 4):  # the busiest coin and a quiet one
        trades, truth = simulated_day(SEED, coin_id, 1.0)
        found = wash_events(trades) + spike_events(trades, DAY, DAY + DAY_MS)
        planted = [
            Window(e["type"], "c", e["start_ms"], e["end_ms"]) for e in truth if e["type"] in OLD_KINDS
        ]
        pairs = match(planted, [Window(e.type, "c", e.start_ms, e.end_ms) for e in found])
        assert len(pairs) == len(planted) == len(found), (truth, found)
        wash = next(e for e in found if e.type == "wash")
        assert list(wash.addresses) == sorted(next(e for e in truth if e["type"] == "wash")["addresses"])


def test_pumps_and_markings_of_a_simulated_day_are_found_and_none_in_null_mode():
    for coin_id, kinds in ((1, 1), (4, 2)):  # coin 4's day has a pump and a marking, coin 1's a marking
        trades, truth = simulated_day(SEED, coin_id, 1.0)
        found = pump_events(trades, DAY, DAY + DAY_MS) + funding_events(trades, DAY, DAY + DAY_MS)
        planted = [
            Window(e["type"], "c", e["start_ms"], e["end_ms"]) for e in truth if e["type"] in NEW_KINDS
        ]
        pairs = match(planted, [Window(e.type, "c", e.start_ms, e.end_ms) for e in found])
        assert len(pairs) == len(planted) == len(found) == kinds, (truth, found)
        marking = next(e for e in truth if e["type"] == "funding_marking")
        (event,) = [e for e in found if e.type == "funding_marking"]
        assert (
            event.evidence["funding_ms"] == marking["funding_ms"]
            and event.evidence["params"]["side_min"] == 8
        )
        assert np.sign(event.evidence["before_bps"]) == np.sign(marking["sigmas"])
        null, nothing = simulated_day(SEED, coin_id, 0.0)
        assert nothing == []
        assert pump_events(null, DAY, DAY + DAY_MS) + funding_events(null, DAY, DAY + DAY_MS) == []
    pump = next(e for e in found if e.type == "pump_and_dump")
    assert pump.evidence["run_up_bps"] > 0 > pump.evidence["dump_bps"] and pump.evidence["given_back"] >= 0.6


def test_truth_command_lists_the_planted_episodes(tmp_path):
    from hl_pipeline.cli import main

    out = tmp_path / "truth.json"
    args = ["simulator", "truth", "--seed", str(SEED), "--integrity-rate", "1", "--start", "2024-02-29"]
    assert main([*args, "--end", "2024-02-29", "--out", str(out)]) == 0
    listed = json.loads(out.read_text())["integrity"]
    _, coin_truth = simulated_day(SEED, 3, 1.0)
    assert [e for e in listed if e["coin"] == "BNB"] == coin_truth
    assert {e["coin"] for e in listed} == {c.name for c in SimulatorConfig().coins}


def _closes(config: SimulatorConfig, m0: int, m1: int) -> np.ndarray:
    return np.stack(
        [minute_candles(SEED, c, config.coins[c], m0, m1).c for c in range(5)]  # the first five coins
    )


def test_a_planted_correlation_break_decouples_the_served_candles_and_returns_to_the_path():
    planted, null = SimulatorConfig(seed=SEED, integrity_rate=1.0), SimulatorConfig(seed=SEED)
    (brk, *_) = manipulation.episodes(SEED, 1, 1.0, "correlation_break", DAY, DAY + DAY_MS)
    m0, m1 = brk.start_ms // MINUTE_MS, brk.end_ms // MINUTE_MS
    ret = np.diff(np.log(_closes(planted, m0 - 1, m1)), axis=1)
    base = np.diff(np.log(_closes(null, m0 - 1, m1)), axis=1)
    others = np.delete(np.arange(5), 1)
    before = np.corrcoef(base[1], base[others].mean(axis=0))[0, 1]
    during = np.corrcoef(ret[1], ret[others].mean(axis=0))[0, 1]
    assert before > 0.5 and abs(during) < 0.25, (before, during)
    assert 0.7 < ret[1].std() / base[1].std() < 1.4  # the same volatility, another direction
    overlapping = manipulation.config_truth(planted, brk.start_ms, brk.end_ms + MINUTE_MS)
    assert not [e for e in overlapping if e["coin"] == planted.coins[1].name and e["type"] in MOVES_PRICE]
    after = _closes(planted, m1, m1 + 1)[1], _closes(null, m1, m1 + 1)[1]
    assert after[0] == after[1]  # back on its path at the end (no other episode of the coin overlaps)


def test_correlation_breaks_of_simulated_days_are_found_and_none_in_null_mode():
    for seed in (SEED, 7):
        days = [simulated_day(seed, c, 1.0) for c in range(5)]
        bars = {str(c): price_bars(frame, DAY, DAY + DAY_MS, BREAKS) for c, (frame, _) in enumerate(days)}
        others = {
            str(c): spike_events(f, DAY, DAY + DAY_MS)
            + pump_events(f, DAY, DAY + DAY_MS)
            + funding_events(f, DAY, DAY + DAY_MS)
            for c, (f, _) in enumerate(days)
        }
        planted = [
            Window(e["type"], str(c), e["start_ms"], e["end_ms"])
            for c, (_, truth) in enumerate(days)
            for e in truth
            if e["type"] == "correlation_break"
        ]
        found = [
            Window(e.type, c, e.start_ms, e.end_ms)
            for c, breaks in correlation_breaks(bars, others).items()
            for e in breaks
        ]
        assert planted and len(match(planted, found)) == len(planted) == len(found), (planted, found)
        null = {
            str(c): price_bars(simulated_day(seed, c, 0.0)[0], DAY, DAY + DAY_MS, BREAKS) for c in range(5)
        }
        assert not any(correlation_breaks(null).values())


def test_a_spoofer_against_two_spoofs_of_a_day_is_named_and_no_one_else_is():
    seed = 7
    found: dict[str, list[Event]] = {}
    spoofer_of: dict[tuple[str, int], str] = {}
    for coin_id, spec in enumerate(SimulatorConfig().coins):
        trades, truth = simulated_day(seed, coin_id, 1.0)
        found[spec.name] = []
        for spoof in (e for e in truth if e["type"] == "spoof"):
            events = spoof_events(_books_around(seed, coin_id, spoof["start_ms"], spoof["end_ms"]), trades)
            spoofer_of.update(((spec.name, e.start_ms), spoof["spoofer"]) for e in events)
            found[spec.name] += events
    named = [(coin, e) for coin, events in name_spoofers(found).items() for e in events if e.addresses]
    assert named and all(e.addresses == (spoofer_of[(coin, e.start_ms)],) for coin, e in named), named
    assert len({coin for coin, _ in named}) >= 2  # across coins

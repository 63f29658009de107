"""The detectors on frames with known structure: what is planted is found, look-alikes are not."""

import json

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.events import Event, to_frame
from hl_pipeline.integrity.funding import funding_events
from hl_pipeline.integrity.matching import Window, match, scores
from hl_pipeline.integrity.pumps import pump_events
from hl_pipeline.integrity.spikes import SpikeParams, spike_events
from hl_pipeline.integrity.spoofing import SpoofParams, name_spoofers, spoof_events
from hl_pipeline.integrity.venue_stats import benford, round_sizes, size_decimals, tail_exponent
from hl_pipeline.integrity.wash import wash_events
from hl_pipeline_tests.integrity.frames import DAY, background, book_levels


def _ring(members: list[str], start: int, trades: int, usd: float, px: float = 100.0) -> pd.DataFrame:
    k = np.arange(trades)
    return pd.DataFrame(
        {
            "time": start + k * MINUTE_MS,
            "px": px,
            "sz": np.round(usd / px * (1 + 0.001 * np.sin(k)), 2),
            "side": "B",
            "buyer": [members[(i + 1) % len(members)] for i in k],
            "seller": [members[i % len(members)] for i in k],
        }
    )


def test_a_wash_cycle_is_found_with_its_members_and_window():
    rng = np.random.default_rng(1)
    ring = ["0xaaa1", "0xaaa2", "0xaaa3"]
    start = DAY + 5 * 3_600_000
    trades = pd.concat([background(rng, 20_000), _ring(ring, start, 30, 40_000.0)]).sort_values("time")
    (event,) = wash_events(trades)
    assert event.addresses == tuple(ring)
    assert (event.start_ms, event.end_ms) == (start, start + 29 * MINUTE_MS)
    assert event.evidence["kind"] == "cycle of 3" and event.evidence["trades"] == 30
    assert event.volume_usd == pytest.approx(30 * 40_000.0, rel=0.01) and event.score > 0.9


def test_accumulation_and_busy_market_makers_are_not_wash():
    rng = np.random.default_rng(2)
    one_way = _ring(["0xbbb1", "0xbbb2"], DAY + 3_600_000, 20, 10_000.0)
    one_way["buyer"], one_way["seller"] = "0xbbb1", "0xbbb2"  # b1 only buys from b2: a real transfer of risk
    assert wash_events(pd.concat([background(rng, 20_000), one_way])) == []


def test_a_pair_that_also_trades_with_everyone_else_is_not_wash():
    rng = np.random.default_rng(3)
    bg = background(rng, 20_000)
    pair = _ring(
        [bg["seller"].iloc[0], bg["buyer"].iloc[0]], DAY + 3_600_000, 20, 50.0
    )  # tiny next to its day
    assert all(set(e.addresses) != set(pair["buyer"]) for e in wash_events(pd.concat([bg, pair])))


def _minute_trades(volume: np.ndarray, returns: np.ndarray) -> pd.DataFrame:
    px = 100.0 * np.exp(np.cumsum(returns))
    return pd.DataFrame(
        {"time": DAY + np.arange(len(volume)) * MINUTE_MS + 30_000, "px": px, "sz": volume / px}
    )


def test_volume_and_price_spikes_are_found_where_planted_and_nowhere_else():
    rng = np.random.default_rng(4)
    volume = np.exp(rng.uniform(8, 10, 1440))
    returns = rng.normal(0, 1e-3, 1440)
    assert spike_events(_minute_trades(volume, returns), DAY, DAY + 1440 * MINUTE_MS) == []
    volume[600:605] *= 25
    returns[900] += 0.05
    found = spike_events(_minute_trades(volume, returns), DAY, DAY + 1440 * MINUTE_MS)
    assert [(e.type, (e.start_ms - DAY) // MINUTE_MS) for e in found] == [
        ("volume_spike", 600),
        ("price_spike", 900),
    ]
    assert found[0].end_ms == DAY + 605 * MINUTE_MS
    assert found[1].evidence["return_bps"] == pytest.approx(500, abs=60)
    assert found[1].evidence["given_back"] > 0


def test_a_jump_that_carries_on_is_news_not_a_price_spike():
    rng = np.random.default_rng(4)
    volume, returns = np.exp(rng.uniform(8, 10, 1440)), rng.normal(0, 1e-3, 1440)
    returns[900] += 0.05
    returns[901:916] += 0.004  # the move carries on for 15 minutes: the price never comes back
    trades = _minute_trades(volume, returns)
    assert spike_events(trades, DAY, DAY + 1440 * MINUTE_MS) == []
    (news,) = spike_events(trades, DAY, DAY + 1440 * MINUTE_MS, SpikeParams(reversal=-1.0))
    assert news.type == "price_spike" and news.evidence["given_back"] < 0


def _quiet_day(seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """A day of minute volumes and returns with nothing planted, and the day's end."""
    rng = np.random.default_rng(seed)
    return np.exp(rng.uniform(8, 10, 1440)), rng.normal(0, 1e-3, 1440), DAY + 1440 * MINUTE_MS


def test_a_run_up_on_volume_given_back_is_a_pump_and_a_jump_is_not():
    volume, returns, end = _quiet_day(5)
    assert pump_events(_minute_trades(volume, returns), DAY, end) == []
    returns[600:630] += 0.05 / 30  # 500 bps over 30 minutes, given back over 12
    returns[630:642] -= 0.05 / 12
    volume[600:642] *= 2.2
    returns[900] += 0.05  # a price spike on volume: up in one minute, back over 15
    returns[901:916] -= 0.05 / 15
    volume[890:916] *= 2.2
    (event,) = pump_events(_minute_trades(volume, returns), DAY, end)
    assert abs((event.start_ms - DAY) // MINUTE_MS - 600) <= 3  # from the low before the run-up
    assert 641 <= (event.end_ms - DAY) // MINUTE_MS <= 650  # to the low of the next 20 minutes
    assert event.evidence["run_up_bps"] == pytest.approx(500, abs=100) and event.evidence["given_back"] > 0.8
    assert event.evidence["volume_x_baseline"] > 1.5 and event.evidence["params"]["run_min"] == 30


def test_a_push_before_the_funding_time_that_reverses_after_is_a_marking():
    volume, returns, end = _quiet_day(6)
    assert funding_events(_minute_trades(volume, returns), DAY, end) == []
    returns[712:720] += 0.015 / 8  # the 8 minutes before 12:00 up 150 bps, the 8 after down as much
    returns[720:728] -= 0.015 / 8
    returns[1019] += 0.015  # a jump in the minute before 17:00 decaying over 15 minutes
    returns[1020:1035] -= 0.015 / 15
    returns[1290:1298] += 0.015 / 8  # the same push and reversal, but not at a funding time
    returns[1298:1306] -= 0.015 / 8
    (event,) = funding_events(_minute_trades(volume, returns), DAY, end)
    assert event.evidence["funding_ms"] == DAY + 720 * MINUTE_MS
    assert (event.start_ms, event.end_ms) == (DAY + 712 * MINUTE_MS, DAY + 728 * MINUTE_MS)
    assert event.evidence["before_bps"] > 60 and event.evidence["after_bps"] < -60  # 150 bps, noise 28 bps
    assert event.evidence["z"] > event.evidence["params"]["z"]


NO_TRADES = pd.DataFrame({"time": [], "px": [], "sz": [], "side": []})


def test_a_large_bid_pulled_within_seconds_is_a_spoof():
    times = [DAY + i * 600 for i in range(50)]
    books = book_levels(times, {t: (2, 150.0) for t in times[10:15]})
    (event,) = spoof_events(books, NO_TRADES)
    assert (event.start_ms, event.end_ms) == (times[10], times[14])
    assert event.evidence["side"] == "bid" and event.evidence["level"] == 2 and event.addresses == ()
    assert event.evidence["life_ms"] == [2400, 3600]


def test_an_address_against_two_of_a_days_spoofs_on_any_coins_is_named_their_spoofer():
    def spoof(t: int, takers: list[str]) -> Event:
        return Event("spoof", t, t + 5_000, 0.8, evidence={"opposite_takers": [[a, 1e4] for a in takers]})

    day = {
        "BTC": [spoof(0, ["0xa", "0xb"]), spoof(10, ["0xc"])],
        "ETH": [spoof(20, ["0xb", "0xa"]), spoof(30, [])],
    }
    named = name_spoofers(day)
    (a, c), (b, empty) = named["BTC"], named["ETH"]
    assert a.addresses == ("0xa",) and a.evidence["spoofer"] == {"address": "0xa", "spoofs_today": 2}
    assert b.addresses == ("0xb",)  # the first shown of the repeat takers, on another coin
    assert c == day["BTC"][1] and empty == day["ETH"][1]  # 0xc took against one spoof only
    assert name_spoofers(day, SpoofParams(repeat_spoofs=3)) == day


def test_a_large_level_that_trades_or_rests_long_is_not_a_spoof():
    times = [DAY + i * 600 for i in range(100)]
    filled = book_levels(times, {t: (1, 150.0) for t in times[10:15]})
    hit = pd.DataFrame({"time": [times[12]], "px": [99.98], "sz": [5.0], "side": ["A"]})
    assert spoof_events(filled, hit) == []
    resting = book_levels(times, {t: (1, 150.0) for t in times[10:60]})  # 29.4 s: a real order
    assert spoof_events(resting, NO_TRADES) == []


def test_benford_accepts_benford_data_and_rejects_uniform_data():
    rng = np.random.default_rng(5)
    assert benford(10 ** rng.uniform(0, 6, 20_000))["benford_p"] > 0.01
    uniform = benford(rng.uniform(100, 999, 20_000))
    assert uniform["benford_p"] < 1e-6 and uniform["benford_mad"] > 0.015


def test_round_sizes_show_clustering_only_where_humans_round():
    rng = np.random.default_rng(6)
    smooth = np.round(rng.uniform(0.5, 5.0, 20_000), 2)
    assert round_sizes(smooth, 2)["round_ratio"] == pytest.approx(1.0, abs=0.25)
    rounded = np.concatenate([smooth, np.full(2_000, 1.0), np.full(2_000, 2.0)])
    clustered = round_sizes(rounded, 2)
    assert clustered["round_ratio"] > 5 and clustered["round_p"] < 1e-9
    assert size_decimals(rounded) == 2


def test_the_tail_exponent_of_a_pareto_sample():
    rng = np.random.default_rng(7)
    assert tail_exponent((1 - rng.random(50_000)) ** (-1 / 1.5))["tail_alpha"] == pytest.approx(1.5, rel=0.05)


def test_events_frame_keeps_the_evidence_as_json():
    rng = np.random.default_rng(8)
    ring = _ring(["0xc1", "0xc2"], DAY, 10, 5_000.0)
    frame = to_frame(wash_events(pd.concat([background(rng, 5_000), ring])))
    assert list(frame["addresses"]) == [["0xc1", "0xc2"]]
    assert json.loads(frame["evidence"].iloc[0])["params"]["min_pair_trades"] == 6


def test_matching_is_one_to_one_within_the_tolerance():
    truth = [Window("wash", "BTC", 0, 600_000), Window("wash", "BTC", 5_000_000, 5_100_000)]
    found = [
        Window("wash", "BTC", 590_000, 700_000),  # overlaps the first
        Window("wash", "BTC", 650_000, 700_000),  # within tolerance of the first, but it is taken
        Window("wash", "ETH", 5_000_000, 5_100_000),  # wrong coin
    ]
    assert match(truth, found) == [(truth[0], found[0])]
    (score,) = scores(truth, found, ["wash"])
    assert (score.planted, score.detected, score.matched) == (2, 3, 1)
    assert score.precision == pytest.approx(1 / 3) and score.recall == 0.5


def test_no_events_make_an_empty_frame_the_lake_accepts():
    import pyarrow as pa

    from hl_pipeline.lake.schemas import SPOOFING

    frame = to_frame([]).assign(ingest_time=pd.Timestamp(0, tz="UTC"))
    assert pa.Table.from_pandas(frame, schema=SPOOFING, preserve_index=False).num_rows == 0


def test_a_day_with_a_few_seconds_of_trades_has_no_spikes():
    rng = np.random.default_rng(9)
    few = _minute_trades(np.exp(rng.uniform(8, 10, 3)), rng.normal(0, 1e-3, 3))  # a short collector run
    assert spike_events(few, DAY, DAY + 1440 * MINUTE_MS) == []


def test_a_one_minute_burst_of_volume_is_not_a_volume_spike():
    rng = np.random.default_rng(4)
    volume, returns = np.exp(rng.uniform(8, 10, 1440)), rng.normal(0, 1e-3, 1440)
    volume[300] *= 25
    trades = _minute_trades(volume, returns)
    assert spike_events(trades, DAY, DAY + 1440 * MINUTE_MS) == []
    (burst,) = spike_events(trades, DAY, DAY + 1440 * MINUTE_MS, SpikeParams(volume_min=1))
    assert burst.type == "volume_spike" and burst.evidence["minutes"] == 1

"""The wallet population: its size and kinds, what each kind plants, and the exported truth."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.fills import wallet_fill_rows
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.positions import day_book, day_books, opening
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.trades import SMART_HORIZON_MS
from hl_pipeline.simulator.wallets import KIND_NAMES, counts, wallets
from hl_pipeline_tests.simulator.helpers import NOW
from hl_pipeline_tests.simulator.makers import hour_end_inventory_ratios

DAY = NOW // DAY_MS - 1


@pytest.fixture(scope="module")
def market() -> Market:
    return Market(SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False))


def test_population_is_large_heavy_tailed_and_has_every_kind():
    wal = wallets(7)
    assert len(wal.addresses) >= 5000 and len(set(wal.addresses)) == len(wal.addresses)
    assert set(Counter(wal.kinds)) == set(KIND_NAMES)
    account = wal.account_usd
    assert (
        account.max() / np.median(account) > 1000
    )  # heavy tail: from a few hundred USDC to tens of millions
    whales = account[list(wal.of_kind("whale"))]
    assert whales.min() >= 1e6 and (account[list(wal.of_kind("retail"))] < 1e6).all()
    assert sum(counts(200).values()) == 200 and len(wallets(7, 200).addresses) == 200
    with pytest.raises(ValueError, match="wallet count 3"):
        counts(3)


def test_day_books_of_everyone_equal_each_wallets_own_book(market):
    books = day_books(market.tape, 0, DAY, DAY * DAY_MS + DAY_MS - 1)
    for w in (0, market.wallets.of_kind("whale")[0], market.wallets.of_kind("retail")[7]):
        one = day_book(market.tape, w, 0, DAY, DAY * DAY_MS + DAY_MS - 1)
        assert wallet_fill_rows(market.tape, w, 0, books[w]) == wallet_fill_rows(market.tape, w, 0, one)


def _day_fills(market: Market, coin_id: int) -> dict[int, list[dict]]:
    books = day_books(market.tape, coin_id, DAY, DAY * DAY_MS + DAY_MS - 1)
    return {w: wallet_fill_rows(market.tape, w, coin_id, b) for w, b in books.items()}


def test_kinds_plant_what_they_are_measured_by(market):
    wal, fills = market.wallets, _day_fills(market, 0)

    def maker_share(w: int) -> float:
        rows = fills.get(w, [])
        ntl = [float(r["px"]) * float(r["sz"]) for r in rows]
        return sum(n for n, r in zip(ntl, rows) if not r["crossed"]) / sum(ntl)

    makers = [maker_share(w) for w in wal.of_kind("market_maker")]
    others = [maker_share(w) for w in wal.of_kind("whale")]
    assert min(makers) > 0.8 > max(others)
    bots = [w for w in wal.of_kind("bot") if len(fills.get(w, [])) >= 20]
    assert bots
    for w in bots:  # a bot takes at one second of the minute
        seconds = Counter(r["time"] % 60_000 // 1000 for r in fills[w])
        assert seconds.most_common(1)[0][1] >= 0.9 * len(fills[w])


def test_market_makers_inventory_comes_back_near_zero_every_hour(market):
    """Each hour the makers take as much of the taker buys as of the sells, and each maker's own hour
    nets to a small part of what it traded. Makers chosen at random, as before, gave a median over
    makers of mean |hour-end inventory| / hourly volume of 0.70 on BTC and 1.39 on SOL here (0.14
    and 0.14 now)."""
    wal = market.wallets
    for coin_id in (0, 2):
        t = market.tape.window(coin_id, (DAY - 2) * DAY_MS, DAY * DAY_MS + DAY_MS - 1)
        made = np.where(t.buy, t.seller, t.buyer) < wal.n_makers
        gives = np.where(t.buy, -t.lots, t.lots)
        hour = t.time // HOUR_MS
        for h in np.unique(hour):
            mine = made & (hour == h)
            assert abs(gives[mine].sum()) <= t.lots[mine].max(), (coin_id, h)
        ratios = hour_end_inventory_ratios(t, wal.n_makers)
        assert len(ratios) == wal.n_makers and np.median(ratios) < 0.3, (coin_id, np.round(ratios, 2))


def test_a_liquidation_sits_on_both_sides_and_names_a_liquidation_prone_wallet(market):
    wal, fills = market.wallets, _day_fills(market, 0)
    by_tid: dict[int, list[dict]] = {}
    for rows in fills.values():
        for r in rows:
            by_tid.setdefault(r["tid"], []).append(r)
    liquidated = {tid: pair for tid, pair in by_tid.items() if any("liquidation" in r for r in pair)}
    assert liquidated
    for pair in liquidated.values():
        assert len(pair) == 2 and pair[0]["liquidation"] == pair[1]["liquidation"]
        victim = wal.index(pair[0]["liquidation"]["liquidatedUser"])
        assert victim is not None and wal.kinds[victim] == "liquidation_prone"


def test_smart_money_takes_the_way_the_price_goes_next_and_retail_does_not(market):
    wal, spec = market.wallets, market.tape.coins[0]
    t = market.tape.window(0, DAY * DAY_MS, DAY * DAY_MS + DAY_MS - 1)
    later = price(7, 0, spec.start_px, spec.daily_vol, t.time + SMART_HORIZON_MS, spec.signal)
    went_up = later > price(7, 0, spec.start_px, spec.daily_vol, t.time, spec.signal)
    taker = np.where(t.buy, t.buyer, t.seller)
    for kind, low, high in (("smart_money", 0.8, 1.0), ("retail", 0.4, 0.6)):
        mine = np.isin(taker, list(wal.of_kind(kind)))
        assert mine.sum() > 200
        assert low < np.mean(t.buy[mine] == went_up[mine]) < high, kind


def test_each_day_opens_where_the_day_before_closed(market):
    carry_day = market.config.carry_ms() // DAY_MS
    assert carry_day < DAY - 1
    for coin_id in (0, 3):
        for day in (carry_day + 1, DAY):
            before = day_books(market.tape, coin_id, day - 1, day * DAY_MS - 1)
            after = day_books(market.tape, coin_id, day, day * DAY_MS + DAY_MS - 1)
            both = sorted(set(before) & set(after))
            assert len(both) > 100
            for w in both:
                assert after[w].start_lots[0] == before[w].end_lots
                assert (
                    before[w].end_lots == 0
                    or opening(market.tape, coin_id, day).entry[w] == before[w].end_entry
                )


def test_truth_command_writes_every_wallets_kind(tmp_path):
    from hl_pipeline.cli import main

    out = tmp_path / "truth.json"
    assert main(["simulator", "truth", "--seed", "3", "--out", str(out)]) == 0
    truth = json.loads(out.read_text())
    assert (
        set(truth) == {"venues", "wallets", "integrity"} and truth["integrity"] == []
    )  # the null plants none
    assert {a: v["kind"] for a, v in truth["wallets"].items()} == dict(
        zip(wallets(3).addresses, wallets(3).kinds)
    )

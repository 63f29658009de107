"""The wallet population: its size and kinds, what each kind plants, and the exported truth."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.fills import wallet_fill_rows
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.positions import day_book, day_books
from hl_pipeline.simulator.wallets import KIND_NAMES, counts, wallets
from hl_pipeline_tests.simulator.helpers import NOW

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


def test_smart_money_opens_the_days_way_more_often_than_retail(market):
    wal = market.wallets
    spec = market.tape.coins[0]
    hits: dict[str, list[bool]] = {"smart_money": [], "retail": []}
    for day in range(DAY - 10, DAY):
        books = day_books(market.tape, 0, day, day * DAY_MS + DAY_MS - 1)
        up = market.tape.window(0, day * DAY_MS, day * DAY_MS + DAY_MS - 1).px
        went_up = up[-1] > up[0]
        for kind in hits:
            for w in list(wal.of_kind(kind))[:100]:
                if w in books and books[w].start_lots and books[w].start_lots[0]:
                    hits[kind].append((books[w].start_lots[0] > 0) == went_up)
    assert spec.name == "BTC"
    assert np.mean(hits["smart_money"]) > 0.75 and abs(np.mean(hits["retail"]) - 0.5) < 0.15


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

"""Profile statistics and the kind they decide, on hand-made fills and PnL."""

import json

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.wallets.classify import classify, cohort
from hl_pipeline.wallets.profile_stats import wallet_stats

T0 = 1_709_164_800_000  # 2024-02-29 00:00 UTC


def _fills(
    user: str,
    times,
    crossed,
    side="B",
    px=100.0,
    sz=1.0,
    liquidated: str | None = None,
    direction="Open Long",
    closed_pnl=0.0,
    method="market",
) -> pd.DataFrame:
    n = len(times)
    liq = (
        None
        if liquidated is None
        else json.dumps({"liquidatedUser": liquidated, "markPx": px, "method": method})
    )
    return pd.DataFrame(
        {
            "user": user,
            "coin": "BTC",
            "time_ms": np.asarray(times, dtype=np.int64),
            "px": px,
            "sz": sz,
            "side": side,
            "dir": direction,
            "closed_pnl": closed_pnl,
            "fee": 0.0,
            "crossed": crossed,
            "oid": np.arange(n),
            "liquidation": [liq] * n,
            "date": "2024-02-29",
        }
    )


def _pnl(user: str, daily: list[float], size: float = 0.0, mark: float = 100.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user": user,
            "coin": "BTC",
            "date": [f"2024-02-{d:02d}" for d in range(30 - len(daily), 30)],  # ending with the fills' day
            "net_realised": daily,
            "size": size,
            "mark_px": mark,
        }
    )


def _stats(fills: list[pd.DataFrame], pnl: list[pd.DataFrame], equity=None, closes=None) -> dict[str, dict]:
    frame = wallet_stats(pd.concat(fills), pd.concat(pnl), equity or {}, closes or {})
    return {r["user"]: r for r in frame.to_dict("records")}


def test_a_resting_wallet_with_many_fills_is_a_market_maker():
    times = T0 + np.arange(700) * 100_000
    mm = _fills("0xmm", times, [False] * 650 + [True] * 50)
    few = _fills("0xfew", times[:30], False)  # rests only, but 30 fills say little
    stats = _stats([mm, few], [_pnl("0xmm", [1.0]), _pnl("0xfew", [1.0])])
    assert stats["0xmm"]["maker_share"] == pytest.approx(650 / 700)
    kind, reason = classify(stats["0xmm"])
    assert kind == "market_maker" and "maker share 0.929" in reason and "700 fills/day" in reason
    assert classify(stats["0xfew"])[0] == "retail"


def test_taking_at_one_second_of_the_minute_is_a_bot():
    clock = T0 + np.arange(40) * 120_000 + 17_250  # every two minutes at second 17
    jitter = T0 + np.sort(np.random.default_rng(1).integers(0, 86_400_000, 40))
    stats = _stats([_fills("0xbot", clock, True), _fills("0xhuman", jitter, True)], [_pnl("0xbot", [0.0])])
    assert stats["0xbot"]["second_share"] == 1.0 and stats["0xbot"]["interval_cv"] == pytest.approx(0.0)
    assert classify(stats["0xbot"])[0] == "bot" and classify(stats["0xhuman"])[0] == "retail"


def test_own_liquidations_count_and_a_counterpartys_do_not():
    victim = _fills("0xliq", [T0, T0 + 60_000], True, liquidated="0xliq")
    other = _fills("0xother", [T0, T0 + 60_000], False, liquidated="0xliq")
    stats = _stats([victim, other], [_pnl("0xliq", [-5.0])])
    assert stats["0xliq"]["liquidations"] == 2 and stats["0xother"]["liquidations"] == 0
    assert classify(stats["0xliq"]) == ("liquidation_prone", "2 own liquidations >= 2 in 7 days")
    assert pd.isna(stats["0xliq"]["maker_share"])  # liquidation fills are left out of the maker share


def test_auto_deleveraged_fills_count_apart_and_leave_the_maker_share_and_pnl_persistence():
    times = T0 + np.arange(700) * 100_000
    made = _fills("0xmm", times[:300], False)
    taken = _fills("0xmm", times[300:400], True)
    adl = _fills(  # closed against a bankrupt account at the backstop: not the wallet's choice
        "0xmm", times[400:], False, liquidated="0xbust", direction="Auto-Deleveraging", method="backstop"
    )
    stats = _stats([made, taken, adl], [_pnl("0xmm", [1.0])])
    assert stats["0xmm"]["auto_deleveraged"] == 300 and stats["0xmm"]["liquidations"] == 0
    assert stats["0xmm"]["maker_share"] == pytest.approx(300 / 400)
    steady = [120.0, 80.0, 150.0, 95.0, 60.0, 130.0]
    windfall = _fills("0xs", [T0], False, direction="Auto-Deleveraging", closed_pnl=500.0)
    forced = _stats([windfall], [_pnl("0xs", [*steady[:-1], 630.0])])["0xs"]
    plain = _stats([_fills("0xs", [T0], True)], [_pnl("0xs", steady)])["0xs"]
    assert forced["pnl_tstat"] == pytest.approx(plain["pnl_tstat"])  # the ADL's 500 left out of its day


def test_equity_decides_a_whale_and_its_cohort():
    stats = _stats([_fills("0xw", [T0], True)], [_pnl("0xw", [1.0])], equity={"0xw": 2_500_000.0})
    assert classify(stats["0xw"]) == ("whale", "equity $2,500,000 >= $1,000,000")
    assert cohort(2_500_000.0) == "Tidal Whale" and cohort(100.0) == "Shrimp" and cohort(None) is None
    levered = _stats([_fills("0xl", [T0], True)], [_pnl("0xl", [1.0], size=3.0)], equity={"0xl": 20.0})
    assert levered["0xl"]["leverage"] == pytest.approx(15.0)
    assert classify(levered["0xl"])[0] == "retail"  # leverage is recorded, liquidations decide


def test_pnl_that_persists_is_smart_money_and_luck_is_not():
    steady = _pnl("0xsmart", [120.0, 80.0, 150.0, 95.0, 60.0, 130.0])
    lucky = _pnl("0xlucky", [900.0, -850.0, 40.0, -30.0, 700.0, -600.0])
    stats = _stats([_fills("0xsmart", [T0], True), _fills("0xlucky", [T0], True)], [steady, lucky])
    assert stats["0xsmart"]["pnl_days_positive"] == 6 and stats["0xsmart"]["pnl_tstat"] > 2
    assert classify(stats["0xsmart"])[0] == "smart_money" and classify(stats["0xlucky"])[0] == "retail"


def test_markouts_are_signed_by_side():
    closes = {"BTC": pd.Series([101.0, 99.0], index=[T0 + 60_000, T0 + 300_000])}
    buy = _fills("0xb", [T0], True, side="B")
    sell = _fills("0xs", [T0], True, side="A")
    stats = _stats([buy, sell], [_pnl("0xb", [0.0])], closes=closes)
    assert stats["0xb"]["markout_1m_bps"] == pytest.approx(100.0)
    assert stats["0xs"]["markout_1m_bps"] == pytest.approx(-100.0)
    assert stats["0xb"]["markout_5m_bps"] == pytest.approx(-100.0)


def test_taker_orders_that_gain_an_hour_on_are_smart_money_and_noise_is_not():
    rng = np.random.default_rng(3)
    times = T0 + np.cumsum(rng.integers(60, 1200, 40)) * 1000  # taker orders at irregular times
    later = 100.0 * (1 + rng.normal(0.002, 0.002, 40))  # 20 bps on average an hour after each buy
    closes = {"BTC": pd.Series(later, index=(times + 3_600_000) // 60_000 * 60_000)}
    informed = _fills("0xedge", times, True)
    noise = _fills("0xnoise", times, True, side=np.where(rng.random(40) < 0.5, "A", "B"))
    flat = [_pnl(u, [10.0, -10.0, 5.0]) for u in ("0xedge", "0xnoise")]
    stats = _stats([informed, noise], flat, closes=closes)
    edge = stats["0xedge"]
    assert edge["taker_orders_marked"] == 40 and edge["taker_markout_1h_bps"] == pytest.approx(
        float(np.mean((later - 100.0) / 100.0 * 1e4))
    )
    kind, reason = classify(edge)
    assert kind == "smart_money" and reason.startswith("40 taker orders gain")
    assert classify(stats["0xnoise"])[0] == "retail"
    few = _stats([_fills("0xfew", times[:10], True)], [_pnl("0xfew", [1.0])], closes=closes)["0xfew"]
    assert classify(few)[0] == "retail"  # too few orders to tell an edge from luck

"""The strategy as served: delay, overlapping holds, costs, funding, gaps, compounding."""

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.ml.models import trading
from hl_pipeline.ml.models.config import TradingConfig

FREE = TradingConfig(taker_fee_bps=0, fallback_spread_bps=0, capital_usd=0, latency_bars=0)


def bars(ret, score, start="2025-01-01 00:00", **extra):
    n = len(ret)
    return pd.DataFrame(
        {
            "coin": "A",
            "time": pd.date_range(start, periods=n, freq="min", tz="UTC"),
            "ret_1": ret,
            "score": score,
            **extra,
        }
    )


def test_the_rule_is_long_short_or_flat_by_the_edge():
    got = trading.position(np.array([0.5, 0.1, 0.05, -0.2, np.nan]), 0.1)
    assert got.tolist() == [1.0, 0.0, 0.0, -1.0, 0.0]


def test_a_prediction_earns_from_the_bar_after_its_delay():
    rng = np.random.default_rng(0)
    r = rng.normal(0, 1e-3, 500)
    foresight = np.r_[np.sign(r[1:]), 0.0]  # the score at bar t knows bar t + 1's return
    b = bars(r, foresight)
    now = trading.coin_returns(b, b["score"].to_numpy(), horizon_bars=1, config=FREE)
    assert now["gross"].to_numpy()[1:] == pytest.approx(np.abs(np.expm1(r[1:])))
    late = trading.coin_returns(
        b, b["score"].to_numpy(), horizon_bars=1, config=TradingConfig(**{**FREE.__dict__, "latency_bars": 1})
    )
    assert abs(late["gross"].sum()) < 0.2 * now["gross"].sum()  # one bar late, the foresight is gone


def test_an_h_bar_signal_is_held_as_h_staggered_books():
    score = np.zeros(10)
    score[2] = 1.0
    b = bars(np.zeros(10), score)
    out = trading.coin_returns(
        b, score, horizon_bars=4, config=TradingConfig(**{**FREE.__dict__, "latency_bars": 1})
    )
    # decided at bar 2, entered at the close of bar 3, held during bars 4..7 at a quarter each
    assert out["position"].tolist() == [0, 0, 0, 0, 0.25, 0.25, 0.25, 0.25, 0, 0]
    assert out["turnover"].sum() == pytest.approx(0.5)


def test_costs_are_fee_half_spread_and_impact_on_the_book_before_the_trade():
    cfg = TradingConfig(taker_fee_bps=4.5, capital_usd=10_000, latency_bars=0)
    b = bars(np.zeros(4), np.array([1.0, 1.0, -1.0, -1.0]), spread_bps=[2.0, 4.0, 6.0, 8.0], depth_10bps=1e6)
    out = trading.coin_returns(b, b["score"].to_numpy(), horizon_bars=1, config=cfg)
    assert out["turnover"].tolist() == [0, 1, 0, 2]
    # the trade before bar 1 uses bar 0's book, the one before bar 3 uses bar 2's
    assert out["fee"].tolist() == pytest.approx([0, 4.5e-4, 0, 9e-4])
    assert out["spread"].tolist() == pytest.approx([0, 1e-4, 0, 2 * 3e-4])
    assert out["impact"].tolist() == pytest.approx([0, 10 * 1e4 / 1e6 * 1e-4, 0, 2 * 10 * 2e4 / 1e6 * 1e-4])
    assert out["net"].tolist() == pytest.approx((-(out["fee"] + out["spread"] + out["impact"])).tolist())


def test_funding_is_paid_by_longs_at_each_hour_close():
    n = 180
    b = bars(np.zeros(n), np.ones(n), start="2025-01-01 00:30", funding_rate=1e-4)
    out = trading.coin_returns(b, b["score"].to_numpy(), horizon_bars=1, config=FREE)
    paid = out.loc[out["funding"] != 0, "time"] + pd.Timedelta(minutes=1)
    assert [t.strftime("%H:%M") for t in paid] == ["01:00", "02:00", "03:00"]
    assert out["funding"].sum() == pytest.approx(3e-4)
    short = trading.coin_returns(b, -b["score"].to_numpy(), horizon_bars=1, config=FREE)
    assert short["funding"].sum() == pytest.approx(-3e-4)  # shorts receive


def test_missing_bars_are_put_back_without_a_return_and_equity_compounds():
    b = bars(np.full(6, 0.01), np.ones(6)).drop(index=[3]).reset_index(drop=True)
    out = trading.coin_returns(b, b["score"].to_numpy(), horizon_bars=1, config=FREE)
    assert len(out) == 6 and out["known"].tolist() == [True, True, True, False, True, True]
    # bar 3 has no return; bar 4 is flat, since nothing was decided at the missing bar 3
    assert out["position"].tolist() == [0, 1, 1, 1, 0, 1]
    assert out["gross"].tolist() == pytest.approx(
        [0.0, np.expm1(0.01), np.expm1(0.01), 0.0, 0.0, np.expm1(0.01)]
    )
    port = trading.portfolio_returns(b, "score", horizon_bars=1, config=FREE)
    assert np.prod(1 + port["net"]) == pytest.approx(np.exp(0.03))  # simple returns compound to the log sum


def test_the_portfolio_weights_coins_equally():
    a = bars(np.full(5, 0.01), np.ones(5))
    b = bars(np.full(5, -0.01), np.ones(5)).assign(coin="B")
    port = trading.portfolio_returns(pd.concat([a, b]), "score", horizon_bars=1, config=FREE)
    assert port["coins"].tolist() == [2] * 5
    assert port["gross"].tolist()[1:] == pytest.approx([(np.expm1(0.01) + np.expm1(-0.01)) / 2] * 4)

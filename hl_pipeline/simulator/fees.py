"""The fee schedule and a wallet's tier: VIP by 14-day volume, market-maker rebate by maker share.

A day's fills are charged at the tier the 14 days before it earn (so userFees and the fills agree).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator.numbers import fmt_dec
from hl_pipeline.simulator.trades import TradeTape
from hl_pipeline.simulator.volumes import day_volumes

BASE_CROSS, BASE_ADD = 0.00045, 0.00015
# (14-day volume cutoff, cross, add)
VIP: tuple[tuple[float, float, float], ...] = (
    (5e6, 0.0004, 0.00012),
    (25e6, 0.00035, 0.00008),
    (100e6, 0.0003, 0.00004),
    (500e6, 0.00028, 0.0),
    (2e9, 0.00026, 0.0),
    (7e9, 0.00024, 0.0),
)
MM = ((0.005, -0.00001), (0.015, -0.00002), (0.03, -0.00003))  # (share of exchange maker volume, add)
WINDOW_DAYS = 14


@lru_cache(maxsize=64)
def _window(tape: TradeTape, day: int) -> np.ndarray:
    """(3, wallets) summed over the 14 days before `day`: cross, add, and the exchange's add."""
    vol = sum(day_volumes(tape, d, d * DAY_MS + DAY_MS) for d in range(day - WINDOW_DAYS, day))
    vol = np.asarray(vol, dtype=np.float64).reshape(2, -1)
    return np.vstack([vol, np.full(vol.shape[1], vol[1].sum())])


def rates(tape: TradeTape, wallet: int, day: int) -> tuple[float, float]:
    """(cross, add) rates charged to a wallet on a day."""
    cross_vol, add_vol, exchange_add = _window(tape, day)[:, wallet]
    cross, add = BASE_CROSS, BASE_ADD
    for cutoff, c, a in VIP:
        if cross_vol + add_vol >= cutoff:
            cross, add = c, a
    share = add_vol / exchange_add if exchange_add else 0.0
    for cutoff, a in MM:
        if share >= cutoff:
            add = a
    return cross, add


def _rate(x: float) -> str:
    return fmt_dec(x, 6)


def user_fees(tape: TradeTape, wallet: int | None, now: int) -> dict:
    """userFees: daily volumes of the last 15 days (today included), the schedule and the wallet's rates."""
    today = now // DAY_MS
    daily = []
    for d in range(today - WINDOW_DAYS, today + 1):
        vol = day_volumes(tape, d, now)
        cross, add = (0.0, 0.0) if wallet is None else (vol[0][wallet], vol[1][wallet])
        daily.append(
            {
                "date": dt.datetime.fromtimestamp(d * 86_400, dt.UTC).strftime("%Y-%m-%d"),
                "userCross": fmt_dec(cross, 8),
                "userAdd": fmt_dec(add, 8),
                "exchange": fmt_dec(float(vol[0].sum()), 8),
            }
        )
    cross, add = (BASE_CROSS, BASE_ADD) if wallet is None else rates(tape, wallet, today)
    schedule = {
        "cross": _rate(BASE_CROSS),
        "add": _rate(BASE_ADD),
        "spotCross": "0.0007",
        "spotAdd": "0.0004",
        "tiers": {
            "vip": [{"ntlCutoff": fmt_dec(n, 1), "cross": _rate(c), "add": _rate(a)} for n, c, a in VIP],
            "mm": [{"makerFractionCutoff": _rate(f), "add": _rate(a)} for f, a in MM],
        },
        "referralDiscount": "0.04",
        "stakingDiscountTiers": [{"bpsOfMaxSupply": "0.0", "discount": "0.0"}],
    }
    return {
        "dailyUserVlm": daily,
        "feeSchedule": schedule,
        "userCrossRate": _rate(cross),
        "userAddRate": _rate(add),
        "userSpotCrossRate": "0.0007",
        "userSpotAddRate": "0.0004",
        "activeReferralDiscount": "0.0",
        "trial": None,
        "feeTrialReward": "0.0",
        "nextTrialAvailableTimestamp": None,
        "stakingLink": None,
        "activeStakingDiscount": {"bpsOfMaxSupply": "0.0", "discount": "0.0"},
    }

"""Wallet features on a handful of fills worked out by hand: whale flow, smart-money and market-maker
positions, liquidation volume, kinds from earlier days' profiles only, and missing flags."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.ml.features.compute import compute_features
from hl_pipeline_tests.ml import synthetic

DAY1 = synthetic.START + DAY_MS  # features of day 1; day 0 is history
WHALE, SMART, MAKER, OTHER = (f"0x{i:040x}" for i in (1, 2, 3, 4))
COLUMNS = ["whale_net_flow", "smart_money_net_position", "mm_inventory", "liquidation_volume"]


def _ts(ms: list[int]) -> pd.Series:
    return pd.Series(np.asarray(ms, dtype=np.int64).astype("datetime64[ms]")).dt.tz_localize("UTC")


def _fills(rows: Sequence[tuple[int, str, str, float, float, str | None]]) -> pd.DataFrame:
    """(time, user, side, sz, start_position, liquidated user) per fill, all BTC at 60,000."""
    frame = pd.DataFrame(rows, columns=["time", "user", "side", "sz", "start_position", "victim"])
    return frame.assign(
        coin="BTC",
        time=_ts(frame["time"].tolist()),
        px=60_000.0,
        liquidation=[
            None if v is None else json.dumps({"liquidatedUser": v, "method": "market"})
            for v in frame["victim"]
        ],
    ).drop(columns="victim")


def _profiles(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["time", "user", "kind"])
    return frame.assign(time=_ts(frame["time"].tolist()))


def _features(fills: pd.DataFrame, profiles: pd.DataFrame, hours: int = 3) -> pd.DataFrame:
    inputs = {**synthetic.inputs(days=2), "wallet_fills": fills, "wallet_profiles": profiles}
    out = compute_features(inputs, DAY1, DAY1 + hours * HOUR_MS, coins=["BTC"])
    opens = out["time"].dt.tz_localize(None).to_numpy(dtype="datetime64[ms]").astype(np.int64)
    return out.set_index((opens - DAY1) // MINUTE_MS)  # the bar's minute of day 1


KINDS = [(DAY1, WHALE, "whale"), (DAY1, SMART, "smart_money"), (DAY1, MAKER, "market_maker")]
"""Day 0's profile (its window ends at day 1's midnight)."""


def test_flows_positions_and_liquidations_by_hand():
    m = MINUTE_MS
    fills = _fills(
        [
            (DAY1 - 20 * HOUR_MS, SMART, "B", 3.0, 0.0, None),  # day 0: long 3
            (DAY1 - 2 * HOUR_MS, MAKER, "A", 1.0, 0.5, None),  # day 0: short 0.5
            (DAY1 + 10 * m + 5, WHALE, "B", 2.0, 0.0, None),
            (DAY1 + 10 * m + 9, WHALE, "A", 0.5, 2.0, None),  # whale net +1.5 in minute 10
            (DAY1 + 10 * m + 9, OTHER, "B", 0.5, 0.0, None),  # not a whale
            (DAY1 + 20 * m, SMART, "A", 1.0, 3.0, None),  # stamped at minute 20's open: long 2 from its close
            (DAY1 + 30 * m + 1, OTHER, "A", 4.0, 4.0, OTHER),  # OTHER liquidated: 4 BTC
            (DAY1 + 30 * m + 1, MAKER, "B", 4.0, -0.5, OTHER),  # the counterparty's fill: not a liquidation
        ]
        + [(DAY1 + k * 10 * m, OTHER, "B", 0.1, 0.0, None) for k in range(18)]  # keep the feed live
    )
    got = _features(fills, _profiles([*KINDS, (DAY1 + DAY_MS, OTHER, "whale")]))  # day 1's: not used
    assert got.loc[10, "whale_net_flow"] == pytest.approx(1.5)
    assert got.loc[[9, 11], "whale_net_flow"].tolist() == [0.0, 0.0]
    assert (
        got.loc[19, "smart_money_net_position"] == 3.0
    )  # the fill at minute 20's open is not before its close
    assert got.loc[20, "smart_money_net_position"] == 2.0
    assert got.loc[29, "mm_inventory"] == pytest.approx(-0.5)
    assert got.loc[30, "mm_inventory"] == pytest.approx(3.5)
    assert got.loc[30, "liquidation_volume"] == 4.0 and got["liquidation_volume"].sum() == 4.0
    assert not got[["wallet_fills_missing", "wallet_classes_missing"]].to_numpy().any()


def test_a_position_expires_a_day_after_its_last_fill():
    fills = _fills(
        [(DAY1 - 23 * HOUR_MS, SMART, "B", 3.0, 0.0, None)]
        + [(DAY1 + k * 10 * MINUTE_MS, OTHER, "B", 0.1, 0.0, None) for k in range(18)]
    )
    got = _features(fills, _profiles(KINDS))
    expiry = 60 - 1  # the bar closing at 01:00 is the last within 24 hours of the fill
    assert got.loc[expiry, "smart_money_net_position"] == 3.0
    assert got.loc[expiry + 1, "smart_money_net_position"] == 0.0


def test_missing_is_never_zero():
    fills = _fills([(DAY1 + 5 * MINUTE_MS, WHALE, "B", 1.0, 0.0, None)])
    got = _features(fills, _profiles(KINDS))
    live = (got.index >= 5) & (got.index < 65)  # from the fill's bar, for an hour
    assert (got["wallet_fills_missing"] == ~live).all()
    assert got.loc[~live, COLUMNS].isna().all().all()
    assert got.loc[5, "whale_net_flow"] == 1.0
    no_earlier_profile = _features(fills, _profiles([(DAY1 + DAY_MS, WHALE, "whale")]))
    assert no_earlier_profile["wallet_classes_missing"].all()
    assert no_earlier_profile[COLUMNS[:3]].isna().all().all()
    assert no_earlier_profile.loc[5, "liquidation_volume"] == 0.0  # needs no kinds
    stale = _features(fills, _profiles([(DAY1 - 2 * DAY_MS - 1, WHALE, "whale")]))
    assert stale["wallet_classes_missing"].all()
    without = {k: v for k, v in synthetic.inputs(days=2).items() if not k.startswith("wallet_")}
    absent = compute_features(without, DAY1, DAY1 + HOUR_MS, coins=["BTC"])  # wallets never run
    assert absent[["wallet_fills_missing", "wallet_classes_missing"]].all().all()
    assert absent[COLUMNS].isna().all().all()

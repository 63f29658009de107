"""Positions and entry prices replayed from fills, and the tracked set, without Dagster."""

import numpy as np
import pandas as pd
import pytest

from hl_pipeline.wallets.positions import Held, replay
from hl_pipeline.wallets.tracked import tracked


def _replay(start, fills):
    starts, signed, px = (np.array(c, dtype=float) for c in zip(*fills))
    return replay(start, starts, signed, px)


def test_opening_fills_average_the_entry_closing_ones_keep_it_and_a_flip_restarts_it():
    held = _replay(None, [(0, 1, 100), (1, 1, 110)])
    assert held.size == 2 and held.entry_px == pytest.approx(105)
    held = _replay(held, [(2, -1.5, 120)])
    assert held.size == 0.5 and held.entry_px == pytest.approx(105)
    held = _replay(held, [(0.5, -2, 90)])  # long 0.5 to short 1.5: opened at 90
    assert held == Held(-1.5, 90)
    assert _replay(held, [(-1.5, 1.5, 95)]) == Held(0, None)


def test_a_position_opened_out_of_view_has_its_size_but_no_entry():
    held = _replay(None, [(3, 1, 100)])
    assert held.size == 4 and held.entry_px is None
    assert _replay(Held(3, 80), [(3, 1, 100)]).entry_px == pytest.approx(85)  # known: averaged


def test_configured_wallets_come_first_then_volume_then_maker_share_within_the_cap():
    rows = []
    for _ in range(40):  # a, the taker, buys from b (resting); c trades small with d
        rows.append({"px": 100.0, "sz": 10.0, "side": "B", "buyer": "0xa", "seller": "0xb"})
        rows.append({"px": 100.0, "sz": 0.1, "side": "A", "buyer": "0xc", "seller": "0xd"})
    table = tracked(pd.DataFrame(rows), ("0xz",), cap=3, time_ms=0).to_pylist()
    assert [(r["user"], r["reason"]) for r in table] == [
        ("0xz", "configured"),
        ("0xa", "top volume"),
        ("0xb", "top maker share"),
    ]
    assert table[2]["maker_share"] == 1.0 and table[1]["maker_share"] == 0.0 and table[0]["trades"] == 0

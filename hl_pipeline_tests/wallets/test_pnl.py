"""A coin-day's PnL from fills and funding: the realised identity, funding sizes, unrealised at mark."""

import numpy as np
import pytest

from hl_pipeline.wallets.pnl import Fills, day_pnl, rebuilt_realised, size_at
from hl_pipeline.wallets.positions import Held


def _fills(rows: list[tuple[int, float, float, float, float, float]]) -> Fills:
    cols = list(zip(*rows)) if rows else [()] * 6
    return Fills(*(np.asarray(c, dtype=float if i else np.int64) for i, c in enumerate(cols)))


# open 2 long at 100, add 2 at 110 (entry 105), sell 3 at 120 (closes 3 at +15), flip: sell 3 at 90
ROWS = [  # time, start position, signed size, px, closedPnl, fee
    (1_000, 0.0, 2.0, 100.0, 0.0, 0.1),
    (2_000, 2.0, 2.0, 110.0, 0.0, 0.1),
    (3_000, 4.0, -3.0, 120.0, 45.0, -0.05),
    (4_000, 1.0, -3.0, 90.0, -15.0, 0.2),
]
FILLS = _fills(ROWS)


def test_closed_pnl_is_rebuilt_from_the_entry_the_fills_show():
    assert rebuilt_realised(FILLS, None) == (30.0, pytest.approx(45.0 - 15.0))
    wrong = _fills([(*r[:4], r[4] + (1.0 if i == 2 else 0.0), r[5]) for i, r in enumerate(ROWS)])
    in_view, rebuilt = rebuilt_realised(wrong, None)
    assert in_view - rebuilt == pytest.approx(1.0)


def test_an_unseen_entry_is_not_rebuilt():
    carried = _fills([(1_000, 3.0, -1.0, 120.0, 12.3, 0.0)])  # entry of the 3 held is not in view
    assert rebuilt_realised(carried, None) == (0.0, 0.0)
    assert rebuilt_realised(carried, Held(3.0, 110.0)) == (12.3, pytest.approx(10.0))


def test_size_at_each_funding_hour_follows_the_fills():
    assert size_at(FILLS, np.asarray([500, 1_000, 2_500, 3_000, 9_000])).tolist() == [
        0.0,
        2.0,
        4.0,
        1.0,
        -2.0,
    ]


def test_day_pnl_adds_up_and_counts_payments_on_another_size():
    pnl = day_pnl(
        FILLS,
        None,
        Held(-2.0, 90.0),
        np.asarray([2_500, 9_000]),
        np.asarray([-0.4, 0.3]),
        np.asarray([4.0, -1.0]),
        mark_px=95.0,
    )
    assert pnl.realised == 30.0 and pnl.fees == pytest.approx(0.35) and pnl.funding == pytest.approx(-0.1)
    assert pnl.net_realised == pytest.approx(30.0 - 0.35 - 0.1)
    assert pnl.unrealised == pytest.approx(-2.0 * (95.0 - 90.0)) and pnl.net == pytest.approx(29.55 - 10.0)
    assert pnl.funding_size_mismatches == 1  # the 9,000 payment was on -1, the fills say -2
    unknown = day_pnl(FILLS, None, Held(-2.0, None), np.empty(0), np.empty(0), np.empty(0), 95.0)
    assert unknown.unrealised is None and unknown.net is None
    flat = day_pnl(_fills([]), None, Held(0.0, None), np.empty(0), np.empty(0), np.empty(0), None)
    assert flat.unrealised == 0.0 and flat.funding_size_mismatches is None

"""Outcomes of the wallet PnL identities, one per check and day, read back from the lake."""

from __future__ import annotations

import pyarrow as pa

from hl_pipeline.lake.reader import read_range
from hl_pipeline.lake.storage import Location
from hl_pipeline.quality.outcome import ERROR, CheckOutcome

REALISED = "wallet_pnl_realised_matches_entry"
FUNDING = "wallet_pnl_funding_on_rebuilt_positions"
NET = "wallet_pnl_net_adds_up"
REALISED_TOLERANCE = 1e-6  # of the rebuilt PnL, plus one cent: closedPnl is printed rounded


def _named(rows: list[dict], what) -> str:
    return "; ".join(f"{r['user']} {r['coin']}: {what(r)}" for r in rows[:5])


def pnl_outcomes(root: Location, dates: list[str], coins: list[str]) -> list[CheckOutcome]:
    outcomes = []
    for date in dates:
        table = read_range(root, "wallet_pnl", [date], coins) if coins else pa.table({})
        rows = table.to_pylist() if table.num_rows else []
        outcomes += [_realised(date, rows), _funding(date, rows), _net(date, rows)]
    return outcomes


def _realised(date: str, rows: list[dict]) -> CheckOutcome:
    bad = [
        r
        for r in rows
        if abs(r["realised_in_view"] - r["realised_rebuilt"])
        > 0.01 + REALISED_TOLERANCE * abs(r["realised_rebuilt"])
    ]
    text = (
        f"{len(rows)} (wallet, coin) day(s): closedPnl equals side x (px - entry) x closed size wherever the "
        "entry is in view"
        if not bad
        else f"{len(bad)} of {len(rows)} differ: "
        + _named(bad, lambda r: f"closedPnl {r['realised_in_view']:.6f}, rebuilt {r['realised_rebuilt']:.6f}")
    )
    meta = {"checked": len(rows), "mismatches": [f"{r['user']} {r['coin']}" for r in bad[:50]]}
    return CheckOutcome(REALISED, date, not bad, ERROR, text, meta)


def _funding(date: str, rows: list[dict]) -> CheckOutcome:
    seen = [r for r in rows if r["funding_size_mismatches"] is not None]
    bad = [r for r in seen if r["funding_size_mismatches"]]
    text = (
        f"{sum(r['payments'] for r in seen)} payment(s) of {len(seen)} (wallet, coin) day(s) with fills were "
        "on the position the fills give at that hour"
        if not bad
        else f"{len(bad)} of {len(seen)} differ: "
        + _named(bad, lambda r: f"{r['funding_size_mismatches']} payment(s) on another size")
    )
    meta = {"checked": len(seen), "without_fills": len(rows) - len(seen)}
    return CheckOutcome(FUNDING, date, not bad, ERROR, text, meta)


def _net(date: str, rows: list[dict]) -> CheckOutcome:
    def off(r: dict) -> bool:
        net_realised = r["realised"] - r["fees"] + r["funding"]
        wrong = abs(r["net_realised"] - net_realised) > 1e-9 * (1 + abs(net_realised))
        if r["unrealised"] is not None:
            wrong |= r["net"] is None or abs(r["net"] - net_realised - r["unrealised"]) > 1e-9 * (
                1 + abs(r["net"])
            )
        return wrong

    bad = [r for r in rows if off(r)]
    text = (
        f"{len(rows)} (wallet, coin) day(s): net = realised - fees + funding + unrealised"
        if not bad
        else f"{len(bad)} of {len(rows)} do not add up: " + _named(bad, lambda r: f"net {r['net']}")
    )
    return CheckOutcome(NET, date, not bad, ERROR, text, {"checked": len(rows)})

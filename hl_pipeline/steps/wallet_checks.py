"""Outcomes of the wallet reconciliation, one per day: checked today, not checkable on past days."""

from __future__ import annotations

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.calendar import date_of_ms
from hl_pipeline.lake.storage import Location
from hl_pipeline.quality.outcome import ERROR, CheckOutcome
from hl_pipeline.wallets.reconcile import reconcile

CHECK = "wallet_positions_match_clearinghouse"


def reconciliation_outcomes(
    client: InfoClient, root: Location, dates: list[str], coins: list[str], now_ms: int
) -> list[CheckOutcome]:
    outcomes = []
    for date in dates:
        if date != date_of_ms(now_ms):
            text = "not checkable: clearinghouseState serves the present only (reconciled while it was today)"
            outcomes.append(CheckOutcome(CHECK, date, True, ERROR, text, {"checked": 0}))
            continue
        done = reconcile(client, root, date, coins, now_ms)
        text = (
            f"{done.checked} (wallet, coin) position(s) equal clearinghouseState"
            if not done.mismatches
            else f"{len(done.mismatches)} of {done.checked} differ: "
            + "; ".join(map(str, done.mismatches[:5]))
        )
        outcomes.append(
            CheckOutcome(
                CHECK,
                date,
                not done.mismatches,
                ERROR,
                text,
                {
                    "checked": done.checked,
                    "held_without_fills_in_lake": done.unseen,
                    "mismatches": [str(m) for m in done.mismatches[:50]],
                },
            )
        )
    return outcomes

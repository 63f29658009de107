"""Which wallets to track on a day: the configured ones, then the most active in its public trades
(top by notional, then top by maker share), at most `cap` in all, each with the reason."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from hl_pipeline.lake.schemas import WALLETS

MIN_TRADES_FOR_MAKER_SHARE = 20  # fewer trades say nothing about who rests and who takes


def activity(trades: pd.DataFrame) -> pd.DataFrame:
    """Per address: notional traded, the maker share of it and trade count, from trades with buyer,
    seller and the aggressor's side (`B`: the buyer crossed, so the seller was resting)."""
    notional = trades["px"] * trades["sz"]
    buyer_made = trades["side"] == "A"
    sides = pd.concat(
        [
            pd.DataFrame(
                {"user": trades["buyer"], "notional": notional, "made": notional.where(buyer_made, 0.0)}
            ),
            pd.DataFrame(
                {"user": trades["seller"], "notional": notional, "made": notional.where(~buyer_made, 0.0)}
            ),
        ]
    )
    by = sides.groupby("user").agg(
        volume_usd=("notional", "sum"), made=("made", "sum"), trades=("notional", "size")
    )
    by["maker_share"] = by["made"] / by["volume_usd"]
    return by.drop(columns="made")


def tracked(trades: pd.DataFrame, configured: tuple[str, ...], cap: int, time_ms: int) -> pa.Table:
    """The day's tracked wallets (WALLETS rows): configured first, then half the rest of `cap` by
    notional and the other half by maker share among wallets with enough trades."""
    by = activity(trades) if len(trades) else pd.DataFrame(columns=["volume_usd", "trades", "maker_share"])
    chosen: dict[str, str] = dict.fromkeys(configured, "configured")
    room = max(cap - len(chosen), 0)
    for user in by.sort_values(["volume_usd"], ascending=False).index:
        if len(chosen) >= len(configured) + (room + 1) // 2:
            break
        chosen.setdefault(user, "top volume")
    makers = by[by["trades"] >= MIN_TRADES_FOR_MAKER_SHARE].sort_values(
        ["maker_share", "volume_usd"], ascending=False
    )
    for user in makers.index:
        if len(chosen) >= len(configured) + room:
            break
        chosen.setdefault(user, "top maker share")
    rows = [
        {
            "user": user,
            "reason": reason,
            "volume_usd": float(by.at[user, "volume_usd"]) if user in by.index else None,
            "maker_share": float(by.at[user, "maker_share"]) if user in by.index else None,
            "trades": int(by.at[user, "trades"]) if user in by.index else 0,
            "time": time_ms,
        }
        for user, reason in chosen.items()
    ]
    return pa.Table.from_pylist(rows, schema=WALLETS)

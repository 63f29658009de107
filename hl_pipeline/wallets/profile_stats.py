"""The statistics a wallet's profile is decided by, over a window of days (pure).

Definitions follow reference/wallets-and-integrity.md section 2: maker share of notional; inventory
against gross volume; markouts `d x (mid_{t+h} - px) / px x 1e4` bps; PnL persistence as the count of
positive days and the t-statistic of daily net realised PnL; a directional taker's edge as the mean
and t-statistic, over its taker orders (one oid, one sample), of the markout an hour on; timing
regularity of taker orders as the CV of their gaps and the share in the busiest second of the minute; own
liquidations (`liquidatedUser` is the wallet) and auto-deleveraged fills (`dir` "Auto-Deleveraging").
Both are involuntary: they are left out of the maker, markout and timing statistics, and their net
(closedPnl - fee) out of the daily PnL that persistence is judged on.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

MIN_GAPS = 5  # taker orders' gaps below this say nothing about a clock
TAKER_MARKOUT = "markout_1h_bps"  # a directional taker's edge shows over hours, not the maker's minutes
MARKOUTS_MS = {"markout_1m_bps": 60_000, "markout_5m_bps": 300_000, TAKER_MARKOUT: 3_600_000}
ADL = "Auto-Deleveraging"


def _liquidated(fills: pd.DataFrame) -> pd.Series:
    """Per fill: the wallet itself was liquidated."""
    victims = fills["liquidation"].map(lambda s: None if s is None else json.loads(s).get("liquidatedUser"))
    return victims.str.lower() == fills["user"]


def _markouts(fills: pd.DataFrame, closes: dict[str, pd.Series]) -> pd.DataFrame:
    """Per fill, the signed markout in bps at each horizon (NaN without a later price)."""
    out = pd.DataFrame(index=fills.index, columns=list(MARKOUTS_MS), dtype=float)
    sign = np.where(fills["side"] == "B", 1.0, -1.0)
    for coin, idx in fills.groupby("coin").indices.items():
        series = closes.get(coin)
        if series is None or series.empty:
            continue
        minutes = series.index.to_numpy(np.int64)
        for name, h in MARKOUTS_MS.items():
            target = fills["time_ms"].to_numpy()[idx] + h
            pos = np.searchsorted(minutes, target // 60_000 * 60_000)
            ok = (pos < len(minutes)) & (
                minutes[np.minimum(pos, len(minutes) - 1)] == target // 60_000 * 60_000
            )
            mid = np.where(ok, series.to_numpy()[np.minimum(pos, len(minutes) - 1)], np.nan)
            px = fills["px"].to_numpy()[idx]
            out.iloc[idx, out.columns.get_loc(name)] = sign[idx] * (mid - px) / px * 1e4
    return out


def _taker_edge(taker: pd.DataFrame) -> tuple[int, float | None, float | None]:
    """(orders with a markout, their mean hour markout in bps, its t-statistic) over taker orders."""
    per_order = taker.groupby("oid")[TAKER_MARKOUT].mean().dropna()
    n = len(per_order)
    if not n:
        return 0, None, None
    mean, std = float(per_order.mean()), float(per_order.std())
    return n, mean, mean / (std / np.sqrt(n)) if n >= 3 and std > 0 else None


def _timing(taker: pd.DataFrame) -> tuple[float | None, float | None]:
    orders = np.sort(taker.groupby("oid")["time_ms"].min().to_numpy())
    if len(orders) < 2:
        return None, None
    seconds = np.bincount(orders % 60_000 // 1000, minlength=60)
    share = float(seconds.max() / len(orders))
    gaps = np.diff(orders).astype(float)
    cv = float(gaps.std() / gaps.mean()) if len(gaps) >= MIN_GAPS and gaps.mean() > 0 else None
    return cv, share


def wallet_stats(
    fills: pd.DataFrame, pnl: pd.DataFrame, equity: dict[str, float | None], closes: dict[str, pd.Series]
) -> pd.DataFrame:
    """One row of statistics per wallet in `pnl` or `fills`.

    fills: user, coin, time_ms, px, sz, side, dir, closed_pnl, fee, crossed, oid, liquidation (JSON or
    None), date; pnl: user, coin, date, net_realised, size, mark_px; closes: per coin, 1m closes by
    minute ms."""
    fills = fills.reset_index(drop=True)
    fills = fills.assign(notional=fills["px"] * fills["sz"])
    fills = fills.assign(
        liquidated=_liquidated(fills) if len(fills) else pd.Series(dtype=bool),
        deleveraged=fills["dir"].eq(ADL),
    )
    forced = fills["liquidated"] | fills["deleveraged"]
    voluntary = fills[~forced]
    marks = _markouts(voluntary, closes) if len(voluntary) else pd.DataFrame(columns=list(MARKOUTS_MS))
    voluntary = voluntary.join(marks)
    pnl = pnl.assign(notional=(pnl["size"] * pnl["mark_px"]).abs())
    involuntary = fills[forced]
    forced_pnl = (
        (involuntary["closed_pnl"] - involuntary["fee"])
        .groupby([involuntary["user"], involuntary["date"]])
        .sum()
    )
    daily_pnl = pnl.groupby(["user", "date"])["net_realised"].sum()
    daily_pnl = daily_pnl - forced_pnl.reindex(daily_pnl.index, fill_value=0.0)
    daily_ntl = pnl.groupby(["user", "date"])["notional"].sum(min_count=1)
    fill_groups, vol_groups = fills.groupby("user"), voluntary.groupby("user")
    rows = []
    for user in sorted(set(pnl["user"]) | set(fills["user"])):
        mine = fill_groups.get_group(user) if user in fill_groups.groups else fills.iloc[:0]
        free = vol_groups.get_group(user) if user in vol_groups.groups else voluntary.iloc[:0]
        days = sorted(set(mine["date"]) | set(pnl.loc[pnl["user"] == user, "date"]))
        volume = float(free["notional"].sum())
        made = float(free.loc[~free["crossed"].astype(bool), "notional"].sum())
        day_pnl = daily_pnl.get(user, pd.Series(dtype=float))
        day_ntl = daily_ntl.get(user, pd.Series(dtype=float)).dropna()
        t = None
        if len(day_pnl) >= 3 and day_pnl.std() > 0:
            t = float(day_pnl.mean() / (day_pnl.std() / np.sqrt(len(day_pnl))))
        taker = free[free["crossed"].astype(bool)]
        cv, share = _timing(taker)
        orders, edge, edge_t = _taker_edge(taker)
        eq = equity.get(user)
        rows.append(
            {
                "user": user,
                "days": len(days),
                "fills": len(mine),
                "fills_per_day": len(mine) / max(len(days), 1),
                "volume_usd": float(mine["notional"].sum()),
                "maker_share": made / volume if volume else None,
                "inventory_ratio": float(day_ntl.mean() / (volume / len(days)))
                if volume and len(day_ntl)
                else None,
                "max_notional_usd": float(pnl.loc[pnl["user"] == user, "notional"].max())
                if len(day_ntl)
                else None,
                **{k: float(free[k].mean()) if free[k].notna().any() else None for k in MARKOUTS_MS},
                "taker_orders_marked": orders,
                "taker_markout_1h_bps": edge,
                "taker_markout_1h_tstat": edge_t,
                "pnl_days_positive": int((day_pnl > 0).sum()),
                "pnl_tstat": t,
                "interval_cv": cv,
                "second_share": share,
                "liquidations": int(mine["liquidated"].sum()),
                "auto_deleveraged": int(mine["deleveraged"].sum()),
                "equity_usd": eq,
                "leverage": float(day_ntl.max() / eq) if eq and eq > 0 and len(day_ntl) else None,
            }
        )
    return pd.DataFrame(rows)

"""Checks of the venue datasets, one outcome per check and day: valid rows, and Hyperliquid's candles
against the venues' (cross-validation; flagged minutes recorded, venue gaps recorded, neither dropped)."""

from __future__ import annotations

import pandas as pd

from hl_pipeline.quality.outcome import ERROR, MAX_EXAMPLES, WARN, CheckOutcome, jsonable
from hl_pipeline.venues.crossval import MAX_FLAGGED_SHARE, cross_validate

FUNDING_CAP_HOURLY = 0.04  # Hyperliquid's cap; no venue's hourly-normalised rate should be beyond it


def _days(frame: pd.DataFrame, dates: list[str]) -> dict[str, pd.DataFrame]:
    return {d: frame[frame["date"] == d] for d in dates}


def check_venue_candles(frame: pd.DataFrame, dates: list[str]) -> list[CheckOutcome]:
    """`venue_candles_valid`: positive prices, low <= open, close <= high, volume not negative, one row
    per coin, venue, symbol and minute."""
    out = []
    for date, day in _days(frame, dates).items():
        bad = (
            (day[["open", "high", "low", "close"]] <= 0).any(axis=1)
            | (day["low"] > day[["open", "close"]].min(axis=1))
            | (day["high"] < day[["open", "close"]].max(axis=1))
            | (day["volume"] < 0)
        )
        dupes = int(day.duplicated(["coin", "venue", "symbol", "time"]).sum())
        passed = not bad.any() and dupes == 0
        out.append(
            CheckOutcome(
                "venue_candles_valid",
                date,
                passed,
                ERROR,
                f"{len(day)} rows; {int(bad.sum())} inconsistent, {dupes} duplicated",
                {"rows": len(day), "inconsistent": int(bad.sum()), "duplicates": dupes},
            )
        )
    return out


def check_venue_funding(frame: pd.DataFrame, dates: list[str]) -> list[CheckOutcome]:
    """`venue_funding_valid`: the hourly rate is the venue's rate over its interval, within the cap."""
    out = []
    for date, day in _days(frame, dates).items():
        wrong = (day["funding_rate_hourly"] * day["interval_hours"] - day["funding_rate"]).abs() > 1e-12
        beyond = day["funding_rate_hourly"].abs() > FUNDING_CAP_HOURLY
        passed = not wrong.any() and not beyond.any() and (day["interval_hours"] > 0).all()
        intervals = {str(k): float(v) for k, v in day.groupby("venue")["interval_hours"].median().items()}
        out.append(
            CheckOutcome(
                "venue_funding_valid",
                date,
                bool(passed),
                ERROR,
                f"{len(day)} settlements; {int(wrong.sum())} not normalised, "
                f"{int(beyond.sum())} beyond the cap",
                {"rows": len(day), "interval_hours": intervals},
            )
        )
    return out


def check_cross_venue(
    hl: pd.DataFrame, venues: pd.DataFrame, dates: list[str], coins: list[str], unavailable: dict
) -> list[CheckOutcome]:
    """`venue_candles_cross_venue` (warning): per coin-day, each minute of Hyperliquid's close against the
    venues' weighted median; fails when more than 1% of the compared minutes are flagged. Venues that
    were down or do not list a coin are listed as gaps (`unavailable[date][coin]`), never failures."""
    out = []
    for date in dates:
        per_coin, flagged_rows, total, flagged = {}, [], 0, 0
        for coin in coins:
            h = hl[(hl["date"] == date) & (hl["coin"] == coin)]
            v = venues[(venues["date"] == date) & (venues["coin"] == coin)]
            result = cross_validate(h, v)
            total += result.compared
            flagged += len(result.flagged)
            flagged_rows += [
                {"coin": coin, **r} for r in result.flagged.head(MAX_EXAMPLES).to_dict("records")
            ]
            per_coin[coin] = {
                **result.summary(),
                "venue_gap_minutes": result.venue_gaps(),
                "unavailable": unavailable.get(date, {}).get(coin, []),
            }
        share = flagged / total if total else 0.0
        out.append(
            CheckOutcome(
                "venue_candles_cross_venue",
                date,
                share <= MAX_FLAGGED_SHARE,
                WARN,
                f"{flagged} of {total} minutes flagged ({share:.2%}) against the venues' median",
                jsonable(
                    {
                        "compared_minutes": total,
                        "flagged_minutes": flagged,
                        "coins": per_coin,
                        "flagged_examples": flagged_rows[:MAX_EXAMPLES],
                    }
                ),
            )
        )
    return out

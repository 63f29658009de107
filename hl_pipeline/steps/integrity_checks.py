"""Warn-only outcomes over the integrity events: a day fails (as a warning, never blocking) when any
coin has an event scoring at least HIGH_SCORE; the metadata lists the strongest."""

from __future__ import annotations

import pandas as pd

from hl_pipeline.lake.reader import read_range
from hl_pipeline.lake.storage import Location
from hl_pipeline.quality.outcome import WARN, CheckOutcome, jsonable
from hl_pipeline.steps.integrity import HIGH_SCORE

SHOWN = 10


def high_score_check(dataset: str) -> str:
    """The check's name for an event dataset."""
    return f"{dataset}_no_high_score_events"


def strongest(root: Location, dataset: str, date: str, coins: list[str]) -> pd.DataFrame:
    """The day's events of every coin, highest score first."""
    cols = ["type", "time", "end_time", "addresses", "volume_usd", "score"]
    parts = [
        read_range(root, dataset, [date], [coin], columns=cols).to_pandas().assign(coin=coin)
        for coin in coins
    ]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*cols, "coin"])
    return frame.sort_values(["score", "volume_usd"], ascending=False, kind="stable")


def high_score_outcomes(
    root: Location, dataset: str, dates: list[str], coins: list[str]
) -> list[CheckOutcome]:
    """One warn outcome per day."""
    out = []
    for date in dates:
        events = strongest(root, dataset, date, coins)
        high = events[events["score"] >= HIGH_SCORE]
        text = (
            f"no {dataset} event scores >= {HIGH_SCORE} ({len(events)} event(s))"
            if high.empty
            else f"{len(high)} {dataset} event(s) score >= {HIGH_SCORE}: "
            + "; ".join(
                f"{r.type} {r.coin} {r.time:%H:%M:%S} score {r.score:.2f}" for r in high.head(5).itertuples()
            )
        )
        shown = [jsonable(r) for r in high.head(SHOWN).to_dict("records")]
        out.append(
            CheckOutcome(
                high_score_check(dataset),
                date,
                high.empty,
                WARN,
                text,
                {"events": len(events), "high_score": len(high), "strongest": shown},
            )
        )
    return out


def alert_text(dataset: str, outcomes: list[CheckOutcome]) -> str | None:
    """The webhook message for the highest-scoring event of the days checked (None when none warned)."""
    strongest_rows = [row for o in outcomes for row in o.metadata["strongest"][:1]]
    if not strongest_rows:
        return None
    top = max(strongest_rows, key=lambda r: r["score"])
    who = f" by {', '.join(top['addresses'])}" if top["addresses"] else ""
    warned = sum(o.metadata["high_score"] for o in outcomes)
    return (
        f":mag: hl_pipeline {dataset}: {warned} event(s) scoring >= {HIGH_SCORE}; the strongest is a "
        f"{top['type']} in {top['coin']} from {top['time']} to {top['end_time']}, score {top['score']:.2f},"
        f" {top['volume_usd']:,.0f} USD{who}."
    )

"""Bars resampled from 1m against the exchange's native bars of the same interval and time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hl_pipeline.quality.outcome import MAX_EXAMPLES, WARN, CheckOutcome, jsonable
from hl_pipeline.quality.per_date import on_date

KEY = ["coin", "interval", "time"]
PRICES = ["open", "high", "low", "close"]


def _mismatch(
    native: pd.DataFrame, resampled: pd.DataFrame, price_rtol: float, volume_rtol: float
) -> pd.DataFrame:
    """Per field, True where the resampled value differs from the native one beyond tolerance."""
    fields = {c: price_rtol for c in PRICES} | {"volume": volume_rtol}
    differs = {c: ~np.isclose(resampled[c], native[c], rtol=rtol, atol=0.0) for c, rtol in fields.items()}
    differs["trades"] = (resampled["trades"] != native["trades"]).to_numpy()
    return pd.DataFrame(differs)


def resampled_match_outcomes(
    check: str, df: pd.DataFrame, dates: list[str], price_rtol: float = 1e-9, volume_rtol: float = 1e-6
) -> list[CheckOutcome]:
    """One WARN outcome per date: every (coin, interval, time) present from both sources agrees."""
    fields = [*PRICES, "volume", "trades"]
    both = df[df["source"] == "api"][KEY + fields].merge(
        df[df["source"] == "resampled"][KEY + fields], on=KEY, suffixes=("_api", "_resampled")
    )
    differs = _mismatch(
        both[[f"{c}_api" for c in fields]].set_axis(fields, axis=1),
        both[[f"{c}_resampled" for c in fields]].set_axis(fields, axis=1),
        price_rtol,
        volume_rtol,
    )
    bad = differs.any(axis=1).to_numpy()
    days = both["time"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    outcomes = []
    for date in dates:
        mine = on_date(days, date)
        hits = np.flatnonzero(mine & bad)
        examples = [
            {
                **jsonable(both.iloc[i][KEY].to_dict()),
                "differs": {
                    c: jsonable([both.iloc[i][f"{c}_api"], both.iloc[i][f"{c}_resampled"]])
                    for c in fields
                    if differs.iloc[i][c]
                },
            }
            for i in hits[:MAX_EXAMPLES]
        ]
        compared = int(mine.sum())
        metadata = {
            "compared_bars": compared,
            "mismatched_bars": int(hits.size),
            "intervals": sorted(both.loc[mine, "interval"].unique().tolist()),
            "mismatches": examples,
            "tolerance": {"price_rtol": price_rtol, "volume_rtol": volume_rtol},
        }
        text = (
            f"{hits.size} of {compared} resampled bars differ from native, first {examples[0]['coin']} "
            f"{examples[0]['interval']} {examples[0]['time']} ({', '.join(examples[0]['differs'])})"
            if hits.size
            else f"{compared} resampled bars match native bars"
            if compared
            else "no bar present both natively and resampled to compare"
        )
        outcomes.append(CheckOutcome(check, date, not hits.size, WARN, text, metadata))
    return outcomes

"""The venue datasets' check outcomes over a run's days: read what the run wrote, validate."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow.compute as pc

from hl_pipeline.lake.reader import read_manifest, read_range
from hl_pipeline.lake.storage import Location
from hl_pipeline.quality.outcome import CheckOutcome


def venue_candle_outcomes(root: Location, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    from hl_pipeline.quality.venue_checks import check_cross_venue, check_venue_candles

    venues = read_range(root, "venue_candles", dates, list(coins), with_date=True).to_pandas()
    hl = read_range(root, "candles", dates, list(coins), with_date=True)
    hl = hl.filter(pc.and_(pc.equal(hl["interval"], "1m"), pc.equal(hl["source"], "api"))).to_pandas()
    unavailable = {
        d: {c: (m.unavailable if (m := read_manifest(root, "venue_candles", d, c)) else []) for c in coins}
        for d in dates
    }
    return check_venue_candles(venues, dates) + check_cross_venue(hl, venues, dates, list(coins), unavailable)


def venue_funding_outcomes(root: Location, dates: list[str], coins: Sequence[str]) -> list[CheckOutcome]:
    from hl_pipeline.quality.venue_checks import check_venue_funding

    return check_venue_funding(
        read_range(root, "venue_funding", dates, list(coins), with_date=True).to_pandas(), dates
    )

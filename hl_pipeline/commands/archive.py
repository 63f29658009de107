"""`hl-pipeline simulator archive`: simulated S3 archives for past days, for archive backfills."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hl_pipeline import settings


def archive(out: str, start: str, end: str, coins: str | None, book_every: float, seed: int) -> int:
    from hl_pipeline.simulator.archives import write_archives
    from hl_pipeline.simulator.config import SimulatorConfig

    first, last = settings.parse_date(start, "start date"), settings.parse_date(end, "end date")
    if first > last:
        raise ValueError(f"bad date range: start {first} is after end {last}")
    coin_list = settings.parse_coins(coins or settings.env("HL_COINS", settings.DEFAULT_COINS))
    days = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
    dates = [(dt.date.fromisoformat(first) + dt.timedelta(days=k)).isoformat() for k in range(days)]
    counts = write_archives(
        SimulatorConfig(seed=seed), Path(out), dates, coin_list, book_every_ms=int(book_every * 1000)
    )
    print(f"wrote {counts['book_snapshots']} book snapshots and {counts['fills']} fills under {out}")
    return 0

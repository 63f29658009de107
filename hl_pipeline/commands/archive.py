"""`hl-pipeline simulator archive`: simulated S3 archives for past days, for archive backfills."""

from __future__ import annotations

from pathlib import Path

from hl_pipeline.errors import ConfigError
from hl_pipeline.lake.calendar import days_between
from hl_pipeline.settings import Settings, parse_coins, parse_date


def archive(
    settings: Settings, out: str, start: str, end: str, coins: str | None, book_every: float, seed: int
) -> int:
    from hl_pipeline.simulator.archives import write_archives
    from hl_pipeline.simulator.config import SimulatorConfig

    first, last = parse_date(start, "start date"), parse_date(end, "end date")
    if first > last:
        raise ConfigError(f"bad date range: start {first} is after end {last}")
    coin_list = list(parse_coins(coins, "--coins")) if coins else list(settings.coins)
    counts = write_archives(
        SimulatorConfig(seed=seed),
        Path(out),
        days_between(first, last),
        coin_list,
        book_every_ms=int(book_every * 1000),
    )
    print(
        f"wrote {counts['book_snapshots']} book snapshots, {counts['fills']} fills and "
        f"{counts['asset_ctxs']} asset contexts under {out}"
    )
    return 0

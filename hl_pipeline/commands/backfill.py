"""`hl-pipeline backfill`: validate a request, then ingest its days in one run."""

from __future__ import annotations

import dataclasses

from hl_pipeline.errors import ConfigError
from hl_pipeline.settings import Settings, check_resampling, parse_coins, parse_date, parse_intervals


def validate(
    settings: Settings, start: str, end: str, coins: str | None, intervals: str | None
) -> tuple[str, str, Settings]:
    """Check every input before anything runs; raise ConfigError naming the bad value.

    Returns the first and last day and the settings of the run."""
    first, last = parse_date(start, "start date"), parse_date(end, "end date")
    if first > last:
        raise ConfigError(f"bad date range: start {first} is after end {last}")
    if first < settings.start_date:
        raise ConfigError(
            f"bad date range: start {first} is before the first partition {settings.start_date} "
            "(HL_START_DATE)"
        )
    today = settings.today()
    if last > today:
        raise ConfigError(f"bad date range: end {last} is after today ({today})")
    if coins is not None:
        settings = settings.with_coins(parse_coins(coins, "--coins"))
    if intervals is not None:
        native = parse_intervals(intervals, "--intervals")
        check_resampling(native, settings.resampled_intervals, "--intervals")
        settings = dataclasses.replace(settings, native_intervals=native)
    return first, last, settings


def check_coins_listed(settings: Settings) -> None:
    """Each coin and spot pair must be listed on the exchange (one `meta` and, with spot pairs, one
    `spotMeta` request, before any write)."""
    from hl_pipeline.exchange.shared import client_for

    client = client_for(
        api_url=settings.api_url, rate_limit=settings.rate_limit, retained_candles=settings.retained_candles
    )
    for coin in [*settings.coins, *settings.spot_coins]:
        client.check_coin(coin)


def backfill(
    settings: Settings,
    start: str,
    end: str,
    coins: str | None = None,
    intervals: str | None = None,
    verbose: bool = False,
) -> int:
    from hl_pipeline.commands.runs import (
        check_summary,
        quarantined,
        recover,
        report_quarantined,
        run_market_range,
        run_warehouse,
    )

    first, last, settings = validate(settings, start, end, coins, intervals)
    check_coins_listed(settings)
    recover(settings)
    before = quarantined(settings)
    print(f"backfilling {first}..{last} in one run", flush=True)
    result = run_market_range(first, last, settings=settings, verbose=verbose)
    passed, failed, failures = check_summary(result)
    print(f"run {'succeeded' if result.success else 'FAILED'}: checks passed {passed}, failed {failed}")
    for failure in failures[:20]:
        print(f"  failed: {failure}")
    _report_unavailable(settings, first, last)
    if result.success:
        run_warehouse(settings=settings, verbose=verbose)
    report_quarantined(settings, before)
    return 0 if result.success else 1


def _report_unavailable(settings: Settings, first: str, last: str) -> None:
    """Say which candles the source no longer serves (recorded unavailable, never as present)."""
    from hl_pipeline.lake.calendar import days_between
    from hl_pipeline.lake.storage import lake_location
    from hl_pipeline.market.candles import unavailable_candles

    for what, where in unavailable_candles(
        lake_location(settings.lake_root), days_between(first, last), [*settings.coins, *settings.spot_coins]
    ).items():
        shown = ", ".join(where[:4]) + (f" and {len(where) - 4} more" if len(where) > 4 else "")
        print(f"candles unavailable, {what}: {len(where)} coin-day(s) ({shown})")

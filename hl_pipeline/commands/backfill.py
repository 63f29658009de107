"""`hl-pipeline backfill`: validate a request, then ingest its days in one run."""

from __future__ import annotations

import contextlib
import datetime as dt
import os

from hl_pipeline import settings


def validate(
    start: str, end: str, coins: str | None, intervals: str | None
) -> tuple[str, str, dict[str, str]]:
    """Check every input before anything runs; raise ValueError naming the bad value.

    Returns the first and last day and the settings to override for the run."""
    first, last = settings.parse_date(start, "start date"), settings.parse_date(end, "end date")
    if first > last:
        raise ValueError(f"bad date range: start {first} is after end {last}")
    earliest = settings.parse_date(settings.env("HL_START_DATE", settings.DEFAULT_START_DATE))
    if first < earliest:
        raise ValueError(
            f"bad date range: start {first} is before the first partition {earliest} (HL_START_DATE)"
        )
    now = settings.now_ms(settings.env("HL_AS_OF", ""))
    today = dt.datetime.fromtimestamp(now / 1000, tz=dt.UTC).date().isoformat()
    if last > today:
        raise ValueError(f"bad date range: end {last} is after today ({today})")
    overrides = {}
    if coins is not None:
        settings.parse_coins(coins)
        overrides["HL_COINS"] = coins
    if intervals is not None:
        settings.parse_intervals(intervals)
        overrides["HL_NATIVE_INTERVALS"] = intervals
    return first, last, overrides


@contextlib.contextmanager
def _environment(overrides: dict[str, str]):
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def check_coins_listed(coins: list[str]) -> None:
    """Each coin must be listed on the exchange (one `meta` request, before any write)."""
    from hl_pipeline.exchange.shared import client_for

    client = client_for(**settings.api_config())
    for coin in coins:
        client.check_coin(coin)


def backfill(start: str, end: str, coins: str | None = None, intervals: str | None = None) -> int:
    from hl_pipeline.commands.runs import check_summary, run_market_range, run_warehouse

    first, last, overrides = validate(start, end, coins, intervals)
    with _environment(overrides):
        check_coins_listed(settings.parse_coins(settings.env("HL_COINS", settings.DEFAULT_COINS)))
        print(f"backfilling {first}..{last} in one run", flush=True)
        result = run_market_range(first, last)
        passed, failed, failures = check_summary(result)
        print(f"run {'succeeded' if result.success else 'FAILED'}: checks passed {passed}, failed {failed}")
        for failure in failures[:20]:
            print(f"  failed: {failure}")
        if result.success:
            run_warehouse()
    return 0 if result.success else 1

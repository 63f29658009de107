"""The UTC day calendar of daily partitions: day bounds, date arithmetic, batches of days."""

from __future__ import annotations

import datetime as dt

from hl_pipeline.errors import ConfigError

DAY_MS = 86_400_000  # one UTC day (the lake imports nothing from exchange, which builds on it)
CHUNK_DAYS = 31  # days read, computed or validated per pass: bounds memory on a year's backfill


def day_start_ms(date: str) -> int:
    d = dt.date.fromisoformat(date)
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)


def date_of_ms(t_ms: int) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000, tz=dt.UTC).date().isoformat()


def iso_ms(t_ms: int) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000, tz=dt.UTC).isoformat().replace("+00:00", "Z")


def ms_of_iso(text: str) -> int:
    """Epoch ms of an ISO-8601 time as `iso_ms` writes it."""
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def shift(date: str, days: int) -> str:
    """`date` moved by `days` (negative: earlier)."""
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def days_between(first: str, last: str) -> list[str]:
    """Every date from `first` to `last`, both included (empty when `first` is after `last`)."""
    n = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days
    return [shift(first, k) for k in range(n + 1)]


def chunks(dates: list[str], size: int = CHUNK_DAYS) -> list[list[str]]:
    """`dates` in consecutive batches of at most `size`."""
    return [dates[i : i + size] for i in range(0, len(dates), size)]


def check_dates(dates: list[str], now_ms: int) -> None:
    """A partition that starts after `now` cannot be ingested: raise naming it."""
    for date in dates:
        if day_start_ms(date) > now_ms:
            raise ConfigError(
                f"partition {date} lies in the future (now is {iso_ms(now_ms)}); nothing was written"
            )


def observed_end_ms(date: str, now_ms: int) -> int:
    """End of what can exist for `date` by `now`: the day's end, or `now` for today."""
    return min(day_start_ms(date) + DAY_MS, now_ms)

"""UTC day arithmetic for daily partitions."""

from __future__ import annotations

import datetime as dt

from hl_pipeline.exchange.intervals import DAY_MS


def day_start_ms(date: str) -> int:
    d = dt.date.fromisoformat(date)
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)


def date_of_ms(t_ms: int) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000, tz=dt.UTC).date().isoformat()


def iso_ms(t_ms: int) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000, tz=dt.UTC).isoformat().replace("+00:00", "Z")


def check_dates(dates: list[str], now_ms: int) -> None:
    """A partition that starts after `now` cannot be ingested: raise naming it."""
    for date in dates:
        if day_start_ms(date) > now_ms:
            raise ValueError(
                f"partition {date} lies in the future (now is {iso_ms(now_ms)}); nothing was written"
            )


def observed_end_ms(date: str, now_ms: int) -> int:
    """End of what can exist for `date` by `now`: the day's end, or `now` for today."""
    return min(day_start_ms(date) + DAY_MS, now_ms)

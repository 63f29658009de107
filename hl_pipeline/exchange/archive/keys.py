"""Object keys of the Hyperliquid S3 archives, built from (date, hour, coin) and parsed back.

- `hyperliquid-archive`: `market_data/YYYYMMDD/H/l2Book/COIN.lz4` (hour UNPADDED, 0-23) and
  `asset_ctxs/YYYYMMDD.csv.lz4`.
- `hl-mainnet-node-data`: `node_fills_by_block/hourly/YYYYMMDD/H.lz4` (hour unpadded, as the
  only sampled listing shows; not confirmed by an official doc).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

ARCHIVE_BUCKET = "hyperliquid-archive"
NODE_DATA_BUCKET = "hl-mainnet-node-data"

_L2 = re.compile(r"market_data/(\d{8})/(\d{1,2})/l2Book/([^/]+)\.lz4\Z")
_CTXS = re.compile(r"asset_ctxs/(\d{8})\.csv\.lz4\Z")
_FILLS = re.compile(r"node_fills_by_block/hourly/(\d{8})/(\d{1,2})\.lz4\Z")


@dataclass(frozen=True)
class ArchiveKey:
    """What a key names: kind is "l2Book", "asset_ctxs" or "node_fills_by_block"."""

    kind: str
    date: dt.date
    hour: int | None = None
    coin: str | None = None


def day(date: dt.date | str) -> str:
    """A date (or a YYYYMMDD / YYYY-MM-DD string) as YYYYMMDD; rejects impossible dates."""
    if isinstance(date, str):
        date = dt.date.fromisoformat(date) if "-" in date else dt.datetime.strptime(date, "%Y%m%d").date()
    if not isinstance(date, dt.date):
        raise TypeError(f"expected a date, got {date!r}")
    return date.strftime("%Y%m%d")


def _hour(hour: int) -> str:
    if type(hour) is not int or not 0 <= hour <= 23:
        raise ValueError(f"hour must be an int 0-23, got {hour!r}")
    return str(hour)  # unpadded: 9, not 09


def l2_book_key(date: dt.date | str, hour: int, coin: str) -> str:
    if not coin or "/" in coin:
        raise ValueError(f"bad coin {coin!r}")
    return f"market_data/{day(date)}/{_hour(hour)}/l2Book/{coin}.lz4"


def asset_ctxs_key(date: dt.date | str) -> str:
    return f"asset_ctxs/{day(date)}.csv.lz4"


def node_fills_key(date: dt.date | str, hour: int) -> str:
    return f"node_fills_by_block/hourly/{day(date)}/{_hour(hour)}.lz4"


def parse_key(key: str) -> ArchiveKey:
    """The inverse of the builders; ValueError for a key of no known kind (or a padded hour)."""
    for kind, pattern in (("l2Book", _L2), ("asset_ctxs", _CTXS), ("node_fills_by_block", _FILLS)):
        m = pattern.match(key)
        if m:
            date = dt.datetime.strptime(m.group(1), "%Y%m%d").date()
            hour = int(m.group(2)) if pattern.groups >= 2 else None
            if hour is not None and (str(hour) != m.group(2) or hour > 23):
                raise ValueError(f"archive key {key!r}: hour must be unpadded 0-23")
            coin = m.group(3) if pattern.groups >= 3 else None
            return ArchiveKey(kind, date, hour, coin)
    raise ValueError(f"not a known Hyperliquid archive key: {key!r}")

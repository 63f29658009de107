"""Derived datasets between the lake and the computations: input frames, the content hashes of
the partitions read, and one written partition per coin-day with its manifest."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest, read_range
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.writer import write_partition

Log = Callable[[str], None]
Describe = Callable[[str, str, pa.Table], tuple[str, dict[str, Any], dict[str, Any]]]
"""(date, coin, rows) -> the manifest's (source, inputs, details)."""
WRITERS = 4  # partitions written at once: encoding, hashing and fsync release the GIL


def quiet(_: str) -> None:
    """A `Log` that says nothing."""


class Versions:
    """The content hashes of input partitions, each manifest read once per step (inputs do not change
    while a step writes its outputs)."""

    def __init__(self, root: Location):
        self.root = root
        self._seen: dict[tuple[str, str, str | None], Manifest | None] = {}

    def manifest(self, dataset: str, date: str, coin: str | None) -> Manifest | None:
        """The manifest of one partition (None if not written), read the first time it is asked for."""
        key = (dataset, date, coin)
        if key not in self._seen:
            self._seen[key] = read_manifest(self.root, dataset, date, coin)
        return self._seen[key]

    def __call__(self, dataset: str, dates: Iterable[str], coins: Iterable[str | None]) -> dict[str, str]:
        """{"COIN/DATE": content hash} of the written partitions among dates x coins."""
        out = {}
        for date in dates:
            for coin in coins:
                m = self.manifest(dataset, date, coin)
                if m is not None:
                    out[f"{coin or 'all'}/{date}"] = m.content_hash
        return out


def input_frame(root: Location, dataset: str, dates: list[str], coins: Sequence[str | None]) -> pd.DataFrame:
    """`dataset` over dates x coins as pandas; candles are the exchange's own 1m bars."""
    table = read_range(root, dataset, dates, coins)
    if dataset == "candles":
        table = table.filter(pc.and_(pc.equal(table["interval"], "1m"), pc.equal(table["source"], "api")))
    return table.to_pandas()


def bars_end(date: str, now_ms: int, step: int) -> int:
    """End of the bars of `date` that have closed by `now`."""
    return min(day_start_ms(date) + DAY_MS, now_ms // step * step)


def write_coin_days(
    root: Location,
    dataset: str,
    dates: list[str],
    coins: list[str],
    frame: pd.DataFrame | None,
    describe: Describe,
) -> list[Manifest]:
    """One partition per coin-day of a computed frame (None: nothing computed, empty partitions),
    converted to Arrow once and written WRITERS at a time."""
    table = (
        SCHEMAS[dataset].empty_table() if frame is None else pa.Table.from_pandas(frame, preserve_index=False)
    )

    def write(item: tuple[tuple[str, str], pa.Table]) -> Manifest:
        (date, coin), part = item
        source, inputs, details = describe(date, coin, part)
        manifest = Manifest.for_table(dataset, date, coin, part, source, inputs=inputs, details=details)
        write_partition(root, part, manifest)
        return manifest

    with ThreadPoolExecutor(WRITERS) as pool:
        return list(pool.map(write, _split(table, dates, coins)))


def _split(table: pa.Table, dates: list[str], coins: list[str]) -> Iterable[tuple[tuple[str, str], pa.Table]]:
    """Each coin-day's rows of `table` in one pass (no rows: an empty table of its schema)."""
    first = day_start_ms(dates[0])
    t_ms = pc.cast(pc.cast(table["time"], pa.timestamp("ms", "UTC")), pa.int64()).to_numpy(
        zero_copy_only=False
    )
    days = (t_ms - first) // DAY_MS  # days after the first date (the dates need not be consecutive)
    coin_codes = pd.Categorical(table["coin"].to_numpy(zero_copy_only=False), categories=coins).codes
    key = np.where((coin_codes >= 0) & (days >= 0), days * len(coins) + coin_codes, -1)
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    for date in dates:
        d = (day_start_ms(date) - first) // DAY_MS
        for c, coin in enumerate(coins):
            lo, hi = np.searchsorted(sorted_keys, [d * len(coins) + c, d * len(coins) + c + 1])
            yield (date, coin), table.take(order[lo:hi])

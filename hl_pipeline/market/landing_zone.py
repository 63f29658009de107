"""The collectors' landing zone, read for one UTC day: rows, the spans they listened, their gap records.

Files are `<folder>/<channel>/<YYYY-MM-DD>/<first_ms>-<last_ms>.parquet`, named by the receive
times they span and filed under the day of the first, in every collector's folder of the landing
root (the root and its shard folders, lake/landing_layout.py); journals still being written are not
read. A landing file whose footer does not open is quarantined (lake/quarantine.py) in its folder:
its span becomes a gap with the cause "corrupt landing file", and every other file is read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.lake.landing_layout import landing_folders, subscribed_coins
from hl_pipeline.lake.quarantine import QUARANTINE_DIR, SUFFIX, read_or_quarantine
from hl_pipeline.lake.schemas import COLLECTOR_GAPS

CORRUPT = "corrupt landing file"
ROTATION_SLACK_MS = 5_000
"""Consecutive files of one session are this close or closer: the time between them was listened."""


def file_span(path: Path) -> tuple[int, int]:
    """(first, last) receive ms of a landing file, from its name."""
    first, last = path.stem.split("-")
    return int(first), int(last)


def _days(start_ms: int, end_ms: int) -> list[str]:
    first_day = dt.date.fromisoformat(_date(start_ms - DAY_MS))
    return [(first_day + dt.timedelta(days=i)).isoformat() for i in range((end_ms - start_ms) // DAY_MS + 3)]


def landing_files(landing: Path, channel: str, start_ms: int, end_ms: int) -> list[Path]:
    """Readable landing files of `channel` in every collector folder whose receive span meets
    [start_ms, end_ms), oldest first."""
    found = [
        (folder, p)
        for folder in landing_folders(landing)
        for d in _days(start_ms, end_ms)
        for p in (folder / channel / d).glob("*.parquet")
    ]
    meeting = [(f, p) for f, p in found if file_span(p)[0] < end_ms and file_span(p)[1] >= start_ms]
    return sorted(
        (p for f, p in meeting if read_or_quarantine(f, p, pq.read_metadata) is not None), key=file_span
    )


def listening(files: list[Path]) -> dict[Path, frozenset[str] | None]:
    """Each file's subscribed coins (None: every coin), one footer read per file."""
    return {p: subscribed_coins(p) for p in files}


def files_of(files: list[Path], subscribed: dict[Path, frozenset[str] | None], coin: str) -> list[Path]:
    """The files whose collector was subscribed to `coin`."""
    return [p for p in files if (coins := subscribed.get(p)) is None or coin in coins]


def corrupt_spans(landing: Path, channel: str, start_ms: int, end_ms: int) -> list[tuple[int, int, str]]:
    """Receive spans of the quarantined landing files of `channel` (in every collector folder) that
    meet [start_ms, end_ms)."""
    spans = []
    for folder in landing_folders(landing):
        for day in _days(start_ms, end_ms):
            for path in (folder / QUARANTINE_DIR / channel / day).glob(f"*.parquet.*{SUFFIX}"):
                first, last = file_span(Path(path.name.split(".parquet.")[0] + ".parquet"))
                if first < end_ms and last >= start_ms:
                    spans.append((first, last + 1, CORRUPT))
    return spans


def _date(t_ms: int) -> str:
    return dt.datetime.fromtimestamp(t_ms / 1000, tz=dt.UTC).date().isoformat()


def read_rows(files: list[Path], schema: pa.Schema, coin: str, start_ms: int, end_ms: int) -> pa.Table:
    """Rows of `coin` whose exchange time lies in [start_ms, end_ms), in file order."""
    import pyarrow.dataset as ds  # imports pandas: kept out of code-location load

    if not files:
        return schema.empty_table()
    time = ds.field("time").cast(pa.int64())
    wanted = (ds.field("coin") == coin) & (time >= start_ms) & (time < end_ms)
    return ds.dataset([str(f) for f in files], schema=schema, format="parquet").to_table(filter=wanted)


def listened_spans(files: list[Path]) -> list[tuple[int, int]]:
    """Receive spans covered by landing files, merged where files follow within the rotation slack."""
    spans: list[list[int]] = []
    for first, last in sorted(map(file_span, files)):
        if spans and first <= spans[-1][1] + ROTATION_SLACK_MS:
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    return [(a, b) for a, b in spans]


def gap_records(
    landing: Path, channel: str, coin: str, start_ms: int, end_ms: int
) -> list[tuple[int, int, str]]:
    """The collector's own gap records (start, end, cause) for a stream that meet [start_ms, end_ms), and
    the spans of its quarantined landing files."""
    import pyarrow.dataset as ds

    corrupt = set(corrupt_spans(landing, channel, start_ms, end_ms))
    files = landing_files(landing, "gaps", start_ms - DAY_MS, end_ms + DAY_MS)  # recorded when the gap closed
    if not files:
        return sorted(corrupt)
    table = ds.dataset([str(f) for f in files], schema=COLLECTOR_GAPS, format="parquet").to_table(
        filter=(ds.field("channel") == channel) & (ds.field("coin") == coin)
    )
    starts, ends = (pc.cast(table[c], pa.int64()).to_pylist() for c in ("start", "end"))
    recorded = {
        (s, e, c) for s, e, c in zip(starts, ends, table["cause"].to_pylist()) if s < end_ms and e > start_ms
    }
    return sorted(recorded | corrupt)


def unlistened(
    start_ms: int,
    end_ms: int,
    listened: list[tuple[int, int]],
    records: list[tuple[int, int, str]],
    tail_cause: str,
) -> list[tuple[int, int, str]]:
    """Spans of [start_ms, end_ms) without data: outside every listened span (cause "not collecting",
    or `tail_cause` after the last one) or inside a gap record (its own cause); merged, oldest first."""
    holes: list[tuple[int, int, str]] = []
    cursor = start_ms
    for a, b in listened:
        if a > cursor:
            holes.append((cursor, min(a, end_ms), "not collecting"))
        cursor = max(cursor, b + 1)
    if cursor < end_ms:
        holes.append((cursor, end_ms, tail_cause if listened and cursor > start_ms else "not collecting"))
    holes += [(max(s, start_ms), min(e, end_ms), c) for s, e, c in records]
    merged: list[list] = []
    for s, e, c in sorted(h for h in holes if h[1] > h[0]):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            merged[-1][2].append(c)
        else:
            merged.append([s, e, [c]])
    return [(s, e, _cause(causes)) for s, e, causes in merged]


def _cause(causes: list[str]) -> str:
    """One cause for merged spans: the collector's own record wins over "not collecting"."""
    named = sorted(set(causes) - {"not collecting"}) or ["not collecting"]
    return "+".join(named)


def new_files_by_day(
    landing: Path, channels: tuple[str, ...], cursor: dict[str, int]
) -> tuple[list[str], dict[str, int]]:
    """Days touched by files landed after `cursor` (newest last receive ms seen, keyed by channel in
    the root and by `<shard folder>/<channel>` in a shard folder), and the advanced cursor. Only day
    folders from the cursor's day on are listed."""
    days: set[str] = set()
    advanced = dict(cursor)
    for root in landing_folders(landing):
        for channel in channels:
            key = channel if root == landing else f"{root.name}/{channel}"
            seen = cursor.get(key, -1)
            folders = (
                (root / channel).glob("*/")
                if seen < 0
                else (p for p in (root / channel).glob("*/") if p.name >= _date(seen))
            )
            for folder in folders:
                for path in folder.glob("*.parquet"):
                    first, last = file_span(path)
                    if last > seen:
                        days.update(_date(t) for t in range(first - first % DAY_MS, last + 1, DAY_MS))
                        advanced[key] = max(advanced.get(key, -1), last)
    return sorted(days), advanced

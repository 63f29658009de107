"""Where each partition lives: `<root>/<dataset>/coin=<COIN>/date=<YYYY-MM-DD>/part-0.parquet`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from hl_pipeline.errors import ConfigError
from hl_pipeline.lake.schemas import SCHEMAS, UNPARTITIONED_BY_COIN

PART_FILE = "part-0.parquet"


def check_dataset(dataset: str) -> None:
    if dataset not in SCHEMAS:
        raise ConfigError(f"unknown dataset {dataset!r}; the lake holds {sorted(SCHEMAS)}")


def check_date(date: str) -> str:
    """Return `date` if it is a valid YYYY-MM-DD day, else raise naming it."""
    try:
        dt.date.fromisoformat(date)
    except (TypeError, ValueError):
        raise ConfigError(f"bad partition date {date!r}; expected YYYY-MM-DD") from None
    return date


def partition_dir(root: Path, dataset: str, date: str, coin: str | None = None) -> Path:
    """Directory of one partition; `coin` is required unless the dataset is not split by coin."""
    check_dataset(dataset)
    check_date(date)
    if dataset in UNPARTITIONED_BY_COIN:
        return root / dataset / f"date={date}"
    if not coin:
        raise ConfigError(f"dataset {dataset!r} is partitioned by coin; no coin given")
    return root / dataset / f"coin={coin}" / f"date={date}"


def partition_file(root: Path, dataset: str, date: str, coin: str | None = None) -> Path:
    return partition_dir(root, dataset, date, coin) / PART_FILE


def check_writable(root: Path, name: str, value: str | None = None) -> None:
    """`root` is a directory this process can write, or can be created where it can write; else a
    ConfigError naming `name` and its `value` (default: `root`). Probes with a file it removes:
    nothing is left behind."""
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(f"{existing} is a file")
        probe = existing / f".hl-pipeline-writable-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        where = f"{value!r}: its folder {str(root)!r}" if value else repr(str(root))
        raise ConfigError(f"{name} {where} is not a writable directory: {e}") from None


def report_dir(root: Path, kind: str) -> Path:
    """The folder beside the lake that holds `kind` reports (e.g. backtest plots), created if missing."""
    out = Path(root).parent / "reports" / kind
    out.mkdir(parents=True, exist_ok=True)
    return out

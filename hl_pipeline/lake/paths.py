"""Where each partition lives: `<root>/<dataset>/coin=<COIN>/date=<YYYY-MM-DD>/part-0.parquet`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from upath import UPath

from hl_pipeline.errors import ConfigError
from hl_pipeline.lake.schemas import SCHEMAS, UNPARTITIONED_BY_COIN
from hl_pipeline.lake.storage import Location

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


def partition_dir(root: Location, dataset: str, date: str, coin: str | None = None) -> Location:
    """Directory of one partition; `coin` is required unless the dataset is not split by coin."""
    check_dataset(dataset)
    check_date(date)
    if dataset in UNPARTITIONED_BY_COIN:
        return root / dataset / f"date={date}"
    if not coin:
        raise ConfigError(f"dataset {dataset!r} is partitioned by coin; no coin given")
    return root / dataset / f"coin={coin}" / f"date={date}"


def partition_file(root: Location, dataset: str, date: str, coin: str | None = None) -> Location:
    return partition_dir(root, dataset, date, coin) / PART_FILE


def check_writable(root: Location, name: str, value: str | None = None) -> None:
    """`root` is a directory this process can write, or can be created where it can write; else a
    ConfigError naming `name` and its `value` (default: `root`). Probes with a file it removes:
    nothing is left behind."""
    if not isinstance(root, Path):
        _check_object_store(root, name)
        return
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


def _check_object_store(root: UPath, name: str) -> None:
    """A probe object put under `root` and deleted; a ConfigError naming `name` when that fails."""
    probe = root / f".hl-pipeline-writable-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except Exception as e:  # noqa: BLE001  # the store client raises its own kinds (no bucket, credentials)
        raise ConfigError(
            f"{name} {str(root)!r} is not a writable object-store prefix (endpoint and credentials come "
            f"from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): {type(e).__name__}: {e}"
        ) from None


def report_dir(root: Location, kind: str) -> Path:
    """The folder beside the lake that holds `kind` reports (e.g. backtest plots), created if missing.
    Reports stay on local disk: beside a lake on object storage, under `data/reports`."""
    out = (root.parent if isinstance(root, Path) else Path("data").resolve()) / "reports" / kind
    out.mkdir(parents=True, exist_ok=True)
    return out

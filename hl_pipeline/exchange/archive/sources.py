"""Where archive objects come from, and what fetching them would cost before anything moves.

`ArchiveSource` is the common surface: `size(key)`, `open(key)` (a binary stream),
`list(prefix)`, `plan(keys)` -> `TransferPlan`, and `download(keys, dest)`, which prints the
plan before the first byte is fetched. `LocalArchive` reads a folder laid out like the bucket;
`S3Archive` (s3_source.py) reads the requester-pays bucket itself.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from hl_pipeline.exchange.archive.errors import ArchiveAccessError


@dataclass(frozen=True)
class ArchiveObject:
    key: str
    size: int  # bytes as stored (compressed)


@dataclass(frozen=True)
class TransferPlan:
    """Objects a fetch would read, their total size and estimated cost (bytes / 1e9 * price)."""

    source: str
    objects: tuple[ArchiveObject, ...]
    missing: tuple[str, ...] = ()
    price_per_gb: float = 0.0

    @property
    def total_bytes(self) -> int:
        return sum(o.size for o in self.objects)

    @property
    def estimated_cost(self) -> float:
        return self.total_bytes / 1e9 * self.price_per_gb

    def describe(self) -> str:
        lines = [f"{o.size:>14,} B  {o.key}" for o in self.objects]
        lines += [f"{'MISSING':>16}  {key}" for key in self.missing]
        lines.append(
            f"total: {len(self.objects)} objects, {self.total_bytes:,} B"
            f" ({self.total_bytes / 1e9:.3f} GB) from {self.source};"
            f" estimated transfer cost ${self.estimated_cost:.4f} at ${self.price_per_gb}/GB"
            + (f"; {len(self.missing)} missing" if self.missing else "")
        )
        return "\n".join(lines)


class ArchiveSource:
    """Base: subclasses provide `size`, `open` and `list`; planning and download live here."""

    price_per_gb: float = 0.0  # dollars per 1e9 bytes transferred

    def size(self, key: str) -> int | None:  # None: no such object
        raise NotImplementedError

    def open(self, key: str) -> BinaryIO:
        raise NotImplementedError

    def list(self, prefix: str = "") -> Iterator[ArchiveObject]:
        raise NotImplementedError

    def describe_source(self) -> str:
        return type(self).__name__

    def plan(self, keys: Iterable[str]) -> TransferPlan:
        found, missing = [], []
        for key in keys:
            size = self.size(key)
            (missing.append(key) if size is None else found.append(ArchiveObject(key, size)))
        return TransferPlan(self.describe_source(), tuple(found), tuple(missing), self.price_per_gb)

    def download(
        self,
        keys: Iterable[str],
        dest: str | os.PathLike,
        *,
        echo: Callable[[str], None] = print,
        max_cost: float | None = None,
    ) -> TransferPlan:
        """Print the plan, refuse if it costs more than max_cost, then copy each object under dest."""
        plan = self.plan(keys)
        echo(plan.describe())
        if max_cost is not None and plan.estimated_cost > max_cost:
            raise ArchiveAccessError(
                f"estimated cost ${plan.estimated_cost:.4f} exceeds max_cost ${max_cost}"
            )
        for obj in plan.objects:
            target = os.path.join(os.fspath(dest), *obj.key.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with self.open(obj.key) as src, open(target + ".part", "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
            os.replace(target + ".part", target)
        return plan


@dataclass
class LocalArchive(ArchiveSource):
    """A directory laid out like the bucket: `root/market_data/20240101/12/l2Book/BTC.lz4`."""

    root: str | os.PathLike
    price_per_gb: float = 0.0

    def _path(self, key: str) -> str:
        parts = key.split("/")
        if not key or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"bad archive key {key!r}")
        return os.path.join(os.fspath(self.root), *parts)

    def describe_source(self) -> str:
        return f"local {os.fspath(self.root)}"

    def size(self, key: str) -> int | None:
        path = self._path(key)
        return os.path.getsize(path) if os.path.isfile(path) else None

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise ArchiveAccessError(f"no object {key!r} under {os.fspath(self.root)}") from None

    def list(self, prefix: str = "") -> Iterator[ArchiveObject]:
        root = os.fspath(self.root)
        for folder, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                key = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
                if key.startswith(prefix):
                    yield ArchiveObject(key, os.path.getsize(os.path.join(folder, name)))

"""Client-side weight budget: one token bucket per exchange host, shared by every process on this
machine, shaped like the server's.

The server allows 1200 weight per minute per IP (a bucket of 1200 refilled at 20/s). The client
keeps a bucket a safety margin smaller and slower. A request reserves its base weight plus the
weight of the items it expects before it is sent, and settles the difference when the response
says how many items came back. After a 429 the bucket is emptied, so the client waits until
the server's bucket has had time to refill.

`limiter_for` keeps the bucket of a host in a 16-byte file (tokens, monotonic stamp) under
`STATE_DIR`, read and written under an exclusive `flock`: a backfill, the collectors'
reconciliations and every Dagster step process draw on the same budget, as the server counts it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from hl_pipeline.exchange.weights import BUDGET_PER_MINUTE

DEFAULT_MARGIN = 0.9
STATE_DIR = Path(tempfile.gettempdir()) / "hl_pipeline-weight"
_STATE = struct.Struct("<dd")  # tokens, stamp (time.monotonic: one clock for every process here)


@dataclass
class Bucket:
    tokens: float
    stamp: float


class MemoryBucket:
    """The bucket of one process."""

    def __init__(self, tokens: float, stamp: float):
        self._bucket = Bucket(tokens, stamp)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def held(self, capacity: float, clock: Callable[[], float]) -> Iterator[tuple[Bucket, float]]:
        with self._lock:
            yield self._bucket, clock()


class FileBucket:
    """The bucket of every process of this machine: a file read and written under `flock`. A stamp
    from the future (the machine restarted since) or a missing file is a full bucket."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()  # flock does not exclude threads sharing one descriptor
        self._fd, self._pid = -1, -1

    def _descriptor(self) -> int:
        """This process's own descriptor: one inherited across fork shares its lock with the parent."""
        if self._pid != os.getpid():
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        return self._fd

    @contextlib.contextmanager
    def held(self, capacity: float, clock: Callable[[], float]) -> Iterator[tuple[Bucket, float]]:
        with self._lock:
            fd = self._descriptor()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                now = clock()  # read under the lock: no stamp written before it is later
                raw = os.pread(fd, _STATE.size, 0)
                tokens, stamp = _STATE.unpack(raw) if len(raw) == _STATE.size else (capacity, now)
                bucket = Bucket(tokens, stamp) if stamp <= now else Bucket(capacity, now)
                yield bucket, now
                os.pwrite(fd, _STATE.pack(bucket.tokens, bucket.stamp), 0)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)


class WeightLimiter:
    """Thread-safe token bucket in request-weight units."""

    def __init__(
        self,
        capacity: float = BUDGET_PER_MINUTE,
        refill_per_s: float = BUDGET_PER_MINUTE / 60,
        margin: float = DEFAULT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        shared: Path | None = None,
    ):
        """`shared`: the file of a bucket shared with other processes (`FileBucket`); by default the
        bucket is this process's own."""
        if not 0 < margin <= 1:
            raise ValueError(f"bad limiter margin {margin}: expected 0 < margin <= 1")
        self.capacity = capacity * margin
        self.rate = refill_per_s * margin
        self._clock, self._sleep = clock, sleep
        self._store = MemoryBucket(self.capacity, clock()) if shared is None else FileBucket(shared)

    @contextlib.contextmanager
    def _bucket(self) -> Iterator[Bucket]:
        """The bucket, refilled to now, held exclusively for the block."""
        with self._store.held(self.capacity, self._clock) as (bucket, now):
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            yield bucket

    @property
    def available(self) -> float:
        with self._bucket() as bucket:
            return bucket.tokens

    def reserve(self, weight: float) -> float:
        """Block until `weight` fits in the budget, then take it; returns the seconds waited."""
        waited = 0.0
        need = min(weight, self.capacity)  # a request heavier than the bucket waits for a full one
        while True:
            with self._bucket() as bucket:
                if bucket.tokens >= need - 1e-9:  # float slack: a refill can land a hair short
                    bucket.tokens -= weight
                    return waited
                delay = (need - bucket.tokens) / self.rate
            self._sleep(delay)
            waited += delay

    def settle(self, reserved: float, actual: float) -> None:
        """Correct a reservation once the real weight is known (refund or extra charge)."""
        with self._bucket() as bucket:
            bucket.tokens = min(self.capacity, bucket.tokens + reserved - actual)

    def penalize(self) -> None:
        """The server said 429: assume its bucket is empty."""
        with self._bucket() as bucket:
            bucket.tokens = min(bucket.tokens, 0.0)


class NoLimiter:
    """Stands in when limiting is off (a simulator with its budget lifted)."""

    capacity = rate = available = float("inf")

    def reserve(self, weight: float) -> float:
        return 0.0

    def settle(self, reserved: float, actual: float) -> None:
        pass

    def penalize(self) -> None:
        pass


_REGISTRY: dict[str, WeightLimiter] = {}
_REGISTRY_LOCK = threading.Lock()


def limiter_for(base_url: str, state_dir: Path = STATE_DIR) -> WeightLimiter:
    """The limiter of the host serving `base_url`, its bucket shared by every process of this machine
    through a file under `state_dir` (one object per process and host, created on first use)."""
    parsed = urlparse(base_url)
    host = f"{parsed.hostname}:{parsed.port or (443 if parsed.scheme == 'https' else 80)}"
    path = state_dir / (host.replace(":", "_") + ".bucket")
    with _REGISTRY_LOCK:
        if str(path) not in _REGISTRY:
            _REGISTRY[str(path)] = WeightLimiter(shared=path)
        return _REGISTRY[str(path)]

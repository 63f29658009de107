"""Counter-based randomness: splitmix64 over (seed, stream, index), vectorised in numpy."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


@lru_cache(maxsize=1 << 18)
def stream_key(*parts: int) -> np.uint64:
    """Fold small integers (seed, coin id, stream id, ...) into one 64-bit key."""
    key = np.uint64(0x243F6A8885A308D3)
    with np.errstate(over="ignore"):
        for part in parts:
            key = np.uint64(_mix(np.asarray(key ^ np.uint64(part & 0xFFFFFFFFFFFFFFFF)) + _GOLDEN)[()])
    return np.uint64(key)


def hash64(key: np.uint64 | np.ndarray, index: ArrayLike) -> np.ndarray:
    """Pseudo-random uint64 for each integer in `index` under `key` (an array of keys broadcasts)."""
    idx = np.asarray(index, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        return _mix(idx * _GOLDEN + key)


def uniform(key: np.uint64 | np.ndarray, index: ArrayLike) -> np.ndarray:
    """Uniform floats in [0, 1) for each integer in `index` under `key`."""
    return (hash64(key, index) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def normal(key: np.uint64 | np.ndarray, index: ArrayLike) -> np.ndarray:
    """Approximately standard normal floats (Irwin-Hall of 4 uniforms)."""
    idx = np.asarray(index, dtype=np.int64) * 4
    total = sum(uniform(key, idx + k) for k in range(4))
    return (total - 2.0) * np.sqrt(3.0)

"""Timings of the market model (not a test): `python -m hl_pipeline_tests.simulator.timing`."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import requests

from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.minutes import minute_candles
from hl_pipeline.simulator.server import running_simulator

NOW = 1_709_296_200_000


def _timed(label: str, fn: Callable[[], Any]) -> None:
    start = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s  ({result})")


def main() -> None:
    config = SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False)
    m0 = (NOW - 365 * 86_400_000) // 60_000
    _timed(
        "a year of 1m candles, 5 coins",
        lambda: sum(
            len(minute_candles(7, i, spec, m0, m0 + 525_600)) for i, spec in enumerate(config.coins[:5])
        ),
    )
    with running_simulator(config) as sim:

        def fetch(body: dict) -> int:
            return len(requests.post(sim.base_url + "/info", json=body, timeout=60).json())

        for interval in ("1m", "15m", "1h", "1d"):
            req = {"coin": "BTC", "interval": interval, "startTime": 0, "endTime": NOW}
            body = {"type": "candleSnapshot", "req": req}
            _timed(f"candleSnapshot {interval} (first)", functools.partial(fetch, body))
            _timed(f"candleSnapshot {interval} (again)", functools.partial(fetch, body))
        _timed("metaAndAssetCtxs", lambda: fetch({"type": "metaAndAssetCtxs"}))
        _timed("l2Book", lambda: fetch({"type": "l2Book", "coin": "BTC"}))
        user = "0x" + "0" * 40
        _timed(
            "clearinghouseState (unknown wallet)", lambda: fetch({"type": "clearinghouseState", "user": user})
        )


if __name__ == "__main__":
    main()

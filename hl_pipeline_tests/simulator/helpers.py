"""Small helpers shared by the simulator tests."""

from __future__ import annotations

import requests

from hl_pipeline_tests.conftest import TEST_NOW_MS

NOW = TEST_NOW_MS
HOUR = 3_600_000
DAY = 24 * HOUR


def post(handle, body, expect: int | None = 200):
    """POST a body to /info; check the status and return the response."""
    resp = requests.post(handle.base_url + "/info", json=body, timeout=30)
    if expect is not None:
        assert resp.status_code == expect, resp.text[:300]
    return resp


def candles(handle, coin: str, interval: str, start: int, end: int) -> list[dict]:
    """A candleSnapshot response."""
    req = {"coin": coin, "interval": interval, "startTime": start, "endTime": end}
    return post(handle, {"type": "candleSnapshot", "req": req}).json()


def address(kind: str, i: int = 0, seed: int = 7) -> str:
    """The address of the i-th wallet of a kind in the seed's population."""
    from hl_pipeline.simulator.wallets import wallets

    return wallets(seed).addresses[wallets(seed).of_kind(kind)[i]]

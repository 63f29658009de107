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

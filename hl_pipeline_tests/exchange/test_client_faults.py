"""Retries under each injected fault, a clear error when they run out, and no 429 once paced."""

import pytest

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.errors import (
    ExchangeUnreachableError,
    MalformedResponseError,
    RateLimitedError,
    ServerError,
)
from hl_pipeline.exchange.limiter import WeightLimiter


def _client(simulator, **kw) -> InfoClient:
    kw = {"backoff_base": 0.01, "backoff_cap": 0.05, **kw}
    client = InfoClient(simulator.base_url, **kw)
    client.meta()  # load the universe before faults are switched on
    return client


@pytest.mark.parametrize(
    "fault, value, extra",
    [
        ("rate_limit_burst", 3, {}),
        ("server_error", 0.3, {}),  # seed 7 opens with a run of ten draws under 0.5
        ("truncated", 0.5, {}),
        ("malformed", 0.5, {}),
        ("slow", 0.5, {"slow_seconds": 0.6}),
    ],
)
def test_retries_succeed_under_each_fault(simulator, fault, value, extra):
    client = _client(simulator, timeout=0.3, max_retries=8)
    setattr(simulator.config.faults, fault, value)
    for key, v in extra.items():
        setattr(simulator.config.faults, key, v)
    books = [client.l2_book("BTC") for _ in range(8)]
    assert all(len(b.bids) == 20 for b in books)
    assert client.stats.retries > 0


@pytest.mark.parametrize(
    "fault, value, error, text",
    [
        ("server_error", 1.0, ServerError, r"l2Book .* failed after 3 attempts; last: HTTP 50\d"),
        ("rate_limit_burst", 100, RateLimitedError, "l2Book .* failed after 3 attempts; last: HTTP 429"),
        ("malformed", 1.0, MalformedResponseError, "malformed l2Book response .*invalid JSON"),
        ("truncated", 1.0, (MalformedResponseError, ExchangeUnreachableError), "l2Book"),
    ],
)
def test_exhausted_retries_raise_a_clear_error(simulator, fault, value, error, text):
    client = _client(simulator, max_retries=2)
    setattr(simulator.config.faults, fault, value)
    with pytest.raises(error, match=text):
        client.l2_book("BTC")
    assert client.stats.requests == 1 + 3 and client.stats.retries == 2


def test_slow_responses_time_out_and_give_up(simulator):
    client = _client(simulator, timeout=0.1, max_retries=1)
    simulator.config.faults.slow, simulator.config.faults.slow_seconds = 1.0, 0.5
    with pytest.raises(ExchangeUnreachableError, match=r"failed after 2 attempts.*(Timeout|timed out)"):
        client.l2_book("BTC")


def test_without_pacing_a_burst_meets_429(simulator):
    client = _client(simulator, rate_limit=False, max_retries=0)
    with pytest.raises(RateLimitedError):
        for _ in range(70):  # 1400 weight against a 1200 budget
            client.meta()
    assert client.stats.rate_limited == 1


def test_paced_burst_over_the_budget_meets_no_429(simulator):
    """63 meta requests weigh 1260 (> the 1200 budget): the limiter spaces the tail, the server never
    refuses."""
    limiter = WeightLimiter(margin=0.97)  # a thin margin keeps the wait to a few seconds
    client = InfoClient(simulator.base_url, limiter=limiter, max_retries=0)
    for _ in range(63):
        client.meta()
    assert client.stats.rate_limited == 0 and client.stats.requests == 63
    assert client.stats.weight == 63 * 20 and client.stats.limiter_wait_s > 0

"""The weight budget (429), bad input (422/500) and every injected fault."""

from __future__ import annotations

import pytest
import requests

from hl_pipeline.simulator.config import FaultConfig, SimulatorConfig
from hl_pipeline.simulator.ratelimit import WeightBudget
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.simulator.helpers import NOW, post

DESERIALIZE = "Failed to deserialize the JSON body into the target type"


def test_429_when_the_budget_is_spent(simulator):
    for _ in range(60):  # 60 x 20 = 1200: the whole minute's budget
        post(simulator, {"type": "meta"})
    resp = post(simulator, {"type": "meta"}, expect=429)
    assert resp.text == "null"


def test_item_weight_is_charged_after_serving(simulator):
    req = {"coin": "BTC", "interval": "1m", "startTime": 0, "endTime": NOW}
    codes = [
        post(simulator, {"type": "candleSnapshot", "req": req}, expect=None).status_code for _ in range(20)
    ]
    assert codes[:5] == [200] * 5 and 429 in codes  # 104 weight each: 20 + ceil(5000 / 60)


def test_bucket_arithmetic():
    clock = [0.0]
    budget = WeightBudget(1200, clock=lambda: clock[0])
    assert budget.admit("a", 20)
    budget.charge("a", 1250)  # item weight may take the bucket negative
    assert not budget.admit("a", 2) and budget.admit("b", 20)
    clock[0] += 3.6  # 20 per second: -70 + 72 = 2
    assert budget.admit("a", 2) and not budget.admit("a", 2)
    clock[0] += 600
    assert budget.admit("a", 1200) and not budget.admit("a", 1)


def test_no_rate_limit_switch():
    with running_simulator(SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False)) as sim:
        for _ in range(70):
            post(sim, {"type": "meta"})


@pytest.mark.parametrize(
    "body",
    [
        {"type": "candleSnapshot", "req": {"coin": "BTC", "interval": "2m", "startTime": 0, "endTime": 1}},
        {"type": "candleSnapshot", "coin": "BTC"},
        {"type": "candleSnapshot", "req": {"coin": "BTC", "interval": "1h", "startTime": "0"}},
        {"type": "fundingHistory", "coin": "BTC"},
        {"type": "clearinghouseState", "user": "nobody"},
        {"type": "l2Book", "coin": "BTC", "nSigFigs": 7},
        {"type": "l2Book", "coin": "BTC", "nSigFigs": 4, "mantissa": 2},
        {"type": "noSuchType"},
        {"coin": "BTC"},
    ],
)
def test_undeserializable_bodies_get_422(simulator, body):
    resp = post(simulator, body, expect=422)
    assert resp.text.startswith(DESERIALIZE) and resp.headers["content-type"].startswith("text/plain")


def test_invalid_json_gets_422(simulator):
    resp = requests.post(simulator.base_url + "/info", data=b"{not json", timeout=5)
    assert resp.status_code == 422 and resp.text.startswith(DESERIALIZE)


@pytest.mark.parametrize(
    "body",
    [
        {"type": "fundingHistory", "coin": "NOPE", "startTime": 0},
        {"type": "candleSnapshot", "req": {"coin": "NOPE", "interval": "1h", "startTime": 0, "endTime": NOW}},
        {"type": "l2Book", "coin": "NOPE"},
    ],
)
def test_unknown_coin_gets_500_null(simulator, body):
    assert post(simulator, body, expect=500).text == "null"


def test_headers(simulator):
    resp = post(simulator, {"type": "allMids"})
    assert resp.headers["content-type"] == "application/json"
    assert resp.headers["access-control-allow-origin"] == "*"


def _with_fault(**faults):
    return running_simulator(SimulatorConfig(seed=7, now_ms=NOW, faults=FaultConfig(**faults)))


def test_rate_limit_burst_answers_the_next_n_with_429():
    with _with_fault(rate_limit_burst=3) as sim:
        assert [post(sim, {"type": "meta"}, expect=None).status_code for _ in range(5)] == [
            429,
            429,
            429,
            200,
            200,
        ]


def test_server_errors():
    with _with_fault(server_error=1.0) as sim:
        codes = {post(sim, {"type": "meta"}, expect=None).status_code for _ in range(30)}
    assert codes <= {500, 502, 503} and len(codes) > 1


def test_malformed_json():
    with _with_fault(malformed=1.0) as sim:
        resp = post(sim, {"type": "meta"})
        with pytest.raises(ValueError):
            resp.json()


def test_truncated_body():
    with _with_fault(truncated=1.0) as sim, pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.post(sim.base_url + "/info", json={"type": "meta"}, timeout=5)


def test_slow_responses():
    with _with_fault(slow=1.0, slow_seconds=1.0) as sim, pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(sim.base_url + "/info", json={"type": "meta"}, timeout=0.2)


def test_faults_change_while_running_and_are_reproducible(simulator):
    post(simulator, {"type": "meta"})
    simulator.config.faults.server_error = 0.5
    first = [post(simulator, {"type": "allMids"}, expect=None).status_code for _ in range(20)]
    simulator.config.faults.server_error = 0.0
    post(simulator, {"type": "allMids"})
    with _with_fault(server_error=0.5) as sim:
        again = [post(sim, {"type": "allMids"}, expect=None).status_code for _ in range(20)]
    assert first == again and 200 in first and set(first) - {200}

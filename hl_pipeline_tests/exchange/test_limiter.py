import threading

import pytest

from hl_pipeline.exchange.limiter import NoLimiter, WeightLimiter, limiter_for


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def make(margin=0.9):
    clock = FakeClock()
    return WeightLimiter(margin=margin, clock=clock, sleep=clock.sleep), clock


def test_starts_with_capacity_minus_margin():
    lim, _ = make()
    assert lim.capacity == pytest.approx(1080) and lim.rate == pytest.approx(18)
    assert lim.available == pytest.approx(1080)


def test_reserve_takes_weight_without_waiting_while_it_fits():
    lim, clock = make()
    for _ in range(54):
        assert lim.reserve(20) == 0.0
    assert lim.available == pytest.approx(0) and clock.slept == []


def test_reserve_waits_exactly_for_the_refill():
    lim, clock = make()
    lim.reserve(1080)
    waited = lim.reserve(36)
    assert waited == pytest.approx(2.0) and clock.now == pytest.approx(2.0)
    assert lim.available == pytest.approx(0)


def test_refill_is_capped_at_capacity():
    lim, clock = make()
    lim.reserve(500)
    clock.now += 3600
    assert lim.available == pytest.approx(1080)


def test_settle_refunds_or_charges_the_difference():
    lim, _ = make()
    lim.reserve(20 + 84)  # candles: base 20 + 5000/60 expected
    lim.settle(104, 21)  # only 24 candles came back
    assert lim.available == pytest.approx(1080 - 21)
    lim.settle(0, 100)  # more items than expected
    assert lim.available == pytest.approx(1080 - 121)
    lim.settle(10_000, 0)  # never above capacity
    assert lim.available == pytest.approx(1080)


def test_penalize_empties_the_bucket():
    lim, _ = make()
    lim.penalize()
    assert lim.available == 0
    assert lim.reserve(18) == pytest.approx(1.0)


def test_a_request_heavier_than_the_bucket_waits_for_a_full_bucket_then_goes_negative():
    lim, _ = make(margin=0.01)  # capacity 12, rate 0.2/s
    lim.reserve(12)
    assert lim.reserve(40) == pytest.approx(60.0)
    assert lim.available == pytest.approx(-28)


def test_never_over_budget_in_any_window():
    """Weight granted in any span of s seconds never exceeds capacity + rate * s."""
    lim, clock = make()
    grants = []
    for i in range(500):
        w = 2 if i % 3 else 104
        lim.reserve(w)
        grants.append((clock.now, w))
    for start, _ in grants:
        for span in (1, 10, 60):
            total = sum(w for t, w in grants if start <= t <= start + span)
            assert total <= lim.capacity + lim.rate * span + 1e-6


def test_thread_safe_totals():
    lim = WeightLimiter(capacity=10_000, refill_per_s=0.0001, margin=1.0)
    threads = [threading.Thread(target=lambda: [lim.reserve(1) for _ in range(1000)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert lim.available == pytest.approx(2000, abs=1)


def test_one_limiter_per_host_and_a_null_limiter():
    assert limiter_for("http://127.0.0.1:9/") is limiter_for("http://127.0.0.1:9")
    assert limiter_for("http://127.0.0.1:9") is not limiter_for("http://127.0.0.1:10")
    assert limiter_for("https://api.hyperliquid.xyz") is limiter_for("https://api.hyperliquid.xyz:443")
    assert NoLimiter().reserve(10**9) == 0.0


def test_bad_margin():
    with pytest.raises(ValueError, match="margin"):
        WeightLimiter(margin=0)


_DRAW = """
import json, sys, time
from pathlib import Path
from hl_pipeline.exchange.limiter import WeightLimiter
shared = Path(sys.argv[1]) if sys.argv[1] != "-" else None
lim = WeightLimiter(capacity=20, refill_per_s=20, margin=1.0, shared=shared)
print("ready", flush=True)
sys.stdin.readline()
stamps = []
for _ in range(40):
    lim.reserve(1)
    stamps.append(time.monotonic())
print(json.dumps(stamps))
"""


def _draws(shared: str) -> list[float]:
    """Two processes each take 40 weight from a bucket of 20 refilled at 20/s, started together."""
    import json
    import subprocess
    import sys

    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _DRAW, shared], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    return sorted(t for p in procs for t in json.loads(p.communicate(timeout=60)[0]))


def _worst_excess(stamps: list[float], capacity: float = 20, rate: float = 20) -> float:
    """The most any window [a, b] of the draws exceeds what the bucket allows: capacity + rate (b - a)."""
    return max(
        j - i + 1 - (capacity + rate * (stamps[j] - stamps[i]))
        for i in range(len(stamps))
        for j in range(i, len(stamps))
    )


def test_processes_sharing_a_bucket_file_stay_inside_one_budget_together(tmp_path):
    shared = _draws(str(tmp_path / "host.bucket"))
    # slack of a few draws: a stamp is read after its draw, late on a loaded machine
    assert len(shared) == 80 and _worst_excess(shared) <= 3.0
    # the same two processes with a bucket each take about twice the budget at once
    assert _worst_excess(_draws("-")) > 5


def test_the_host_limiter_keeps_its_bucket_in_a_file_per_host(tmp_path):
    lim = limiter_for("http://127.0.0.1:7", state_dir=tmp_path)
    lim.reserve(100)
    assert (tmp_path / "127.0.0.1_7.bucket").stat().st_size == 16
    again = WeightLimiter(shared=tmp_path / "127.0.0.1_7.bucket")  # another process's view of it
    assert again.available == pytest.approx(lim.capacity - 100, abs=1)

"""`hl-pipeline collect` killed with SIGKILL, then restarted and stopped with SIGTERM; what the
simulator streamed is regenerated from (seed, coin, time) and compared with what landed."""

import os
import signal
import subprocess
import sys
import time

import pytest

from hl_pipeline.simulator.market import Market
from hl_pipeline_tests.collector.streams import (
    COINS,
    SCHEMAS,
    busy_config,
    keys,
    model_trades,
    ms,
    on_disk,
    receive_times,
)

DURABLE_WITHIN_MS = 2_000  # flush every 1 s + watchdog tick + 200 ms push period + scheduling slack


@pytest.fixture
def sim_config():
    return busy_config(seed=11, ws_recent_trades=200)  # the replay batch reaches back before the crash


def _start(url: str, landing) -> subprocess.Popen:
    env = dict(os.environ, HL_API_URL=url, HL_RATE_LIMIT="0")
    cmd = [
        sys.executable,
        "-m",
        "hl_pipeline.cli",
        "collect",
        "--coins",
        ",".join(COINS),
        "--landing",
        str(landing),
    ]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stderr_tail(proc: subprocess.Popen) -> str:
    assert proc.stderr is not None
    return proc.stderr.read().decode()[-2000:]


def _wait_for_journal(proc: subprocess.Popen, landing, channel: str, timeout: float = 30.0) -> None:
    """Until the collector has journaled rows of `channel` (it is streaming and handles signals)."""
    deadline = time.monotonic() + timeout
    while not list((landing / channel).glob(".journal-*.arrow")):
        assert proc.poll() is None, _stderr_tail(proc)
        assert time.monotonic() < deadline, "the collector landed nothing"
        time.sleep(0.1)


def _assert_contiguous(market: Market, landed: list[tuple[int, int]], coin: str) -> None:
    """Landed trades are unique and every trade the simulator has between the first and the last."""
    assert len(landed) == len(set(landed)), f"{coin}: a trade landed twice"
    assert sorted(landed) == model_trades(market, coin, min(landed)[0] - 1, max(landed)[0]), f"{coin}: a hole"


def test_sigkill_loses_at_most_the_last_second_and_the_restart_records_the_gap(simulator, tmp_path):
    market = Market(simulator.config)
    proc = _start(simulator.base_url, tmp_path)
    _wait_for_journal(proc, tmp_path, "trades")
    time.sleep(3.0)
    killed = ms()
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL

    before = {ch: on_disk(tmp_path, ch) for ch in SCHEMAS}  # every file readable
    last_before = {}
    for coin in COINS:
        landed = keys(before["trades"], coin)
        _assert_contiguous(market, landed, coin)
        last_before[coin] = max(landed)[0]
        lost = model_trades(market, coin, last_before[coin], killed)
        assert not lost or lost[0][0] >= killed - DURABLE_WITHIN_MS, f"{coin}: lost {killed - lost[0][0]} ms"
    ends = {(ch, c): receive_times(before[ch], c)[-1] for ch in ("trades", "l2Book") for c in COINS}

    restarted = ms()
    proc = _start(simulator.base_url, tmp_path)
    # the old journals are recovered first; gaps come from the restart
    _wait_for_journal(proc, tmp_path, "gaps")
    time.sleep(2.0)
    terminated = ms()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0, _stderr_tail(proc)

    assert not list(tmp_path.glob("*/.journal-*")), "journals left after SIGTERM"
    after = {ch: on_disk(tmp_path, ch) for ch in SCHEMAS}
    for coin in COINS:
        landed = keys(after["trades"], coin)
        assert len(landed) == len(set(landed)), f"{coin}: the replay batch after the restart landed again"
        _assert_contiguous(market, [k for k in landed if k[0] > last_before[coin]], coin)
        assert not model_trades(market, coin, max(landed)[0], terminated - 500), (
            f"{coin}: SIGTERM did not flush"
        )

    gaps = after["gaps"].to_pylist()
    for (channel, coin), end in ends.items():
        found = [g for g in gaps if (g["channel"], g["coin"], g["cause"]) == (channel, coin, "start")]
        assert len(found) == 1, (channel, coin, gaps)
        start_ms, end_ms = (int(found[0][k].timestamp() * 1000) for k in ("start", "end"))
        assert start_ms == end and start_ms <= killed and end_ms >= restarted, (channel, coin, found[0])


def test_a_truncated_landing_file_and_a_torn_journal_do_not_stop_the_next_start(simulator, tmp_path):
    from hl_pipeline.lake.quarantine import records

    proc = _start(simulator.base_url, tmp_path)
    _wait_for_journal(proc, tmp_path, "trades")
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0, _stderr_tail(proc)
    newest = max((tmp_path / "trades").glob("*/*.parquet"), key=lambda p: int(p.stem.split("-")[1]))
    newest.write_bytes(newest.read_bytes()[:100])  # as a disk-full or a torn copy leaves it
    torn = tmp_path / "l2Book" / ".journal-1.arrow"
    torn.write_bytes(b"\xff\xff\xff\xff\x10\x00\x00\x00partial")

    proc = _start(simulator.base_url, tmp_path)
    _wait_for_journal(proc, tmp_path, "gaps")  # it started, and recorded the restart's gaps
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0, _stderr_tail(proc)
    moved = {r["path"]: r for r in records(tmp_path)}
    assert set(moved) == {str(newest.relative_to(tmp_path)), "l2Book/.journal-1.arrow"}
    assert not newest.exists() and not torn.exists()
    assert all((tmp_path / r["moved_to"]).exists() for r in moved.values())
    after = on_disk(tmp_path, "trades")  # every landing file left reads
    assert after.num_rows > 0

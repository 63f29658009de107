"""The collector against the simulator's WebSocket with each fault injected, over several seeds.

Every run checks the same invariants: each trade the simulator wrote to the socket while the
collector was reading landed exactly once; every trade the market had while the collector was
running either landed or falls inside a gap record; every silence in a stream is a gap record."""

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator
from unittest import mock

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from hl_pipeline.collector.session import Collector, CollectorConfig
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.simulator.config import FaultConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline.simulator.wsconn import Connection
from hl_pipeline_tests.collector.streams import (
    COINS,
    busy_config,
    keys,
    model_trades,
    ms,
    on_disk,
    receive_times,
)

SEEDS = [1, 2, 3]
BOOK_MS = 250  # l2Book push period in these runs
PUSH_SLACK_MS = 250  # a trade reaches the collector up to one 200 ms push period after its time
SILENCE_MS = 1_500  # a stream quiet this long without a gap record is a failure
READ_MARGIN_MS = 500  # frames written this close to the stop may be left unread


class Run:
    """One collector run: what the simulator wrote to sockets, when the collector stopped, what landed."""

    stopped: int  # wall ms when the stop was signalled

    def __init__(self, tmp_path, seed: int, faults: FaultConfig, seconds: float, switch=None):
        self.landing = tmp_path
        self.written: list[tuple[int, list[dict]]] = []
        config = busy_config(seed, faults, ws_book_ms=BOOK_MS)
        self.market = Market(config)
        with running_simulator(config) as sim, _recording(self.written):
            self.started = ms()
            client = InfoClient(sim.base_url, rate_limit=False)
            self.collector = Collector(
                CollectorConfig(
                    api_url=sim.base_url,
                    coins=COINS,
                    landing=tmp_path,
                    ping_seconds=0.5,
                    silence_seconds=1.0,
                    backoff_base=0.05,
                    backoff_cap=0.2,
                    flush_seconds=0.2,
                    rotate_seconds=1.0,
                ),
                book_snapshot=client.l2_book,
                minute_candles=lambda coin, a, b: client.candles(coin, "1m", a, b),
            )
            asyncio.run(self._main(seconds, switch, sim.config.faults))
        self.trades, self.books, self.gaps, self.gap_candles = (
            on_disk(tmp_path, ch) for ch in ("trades", "l2Book", "gaps", "gap_candles")
        )

    async def _main(self, seconds, switch, faults) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def stop_now() -> None:
            self.stopped = ms()
            stop.set()

        loop.call_later(seconds, stop_now)
        if switch:
            loop.call_later(seconds / 3, switch, faults)
        await self.collector.run(stop)

    def gap_spans(self, channel: str, coin: str) -> list[tuple[int, int]]:
        return [
            (int(g["start"].timestamp() * 1000), int(g["end"].timestamp() * 1000))
            for g in self.gaps.to_pylist()
            if (g["channel"], g["coin"]) == (channel, coin)
        ]


@contextlib.contextmanager
def _recording(into: list[tuple[int, list[dict]]]) -> Iterator[None]:
    """Patch the simulator's socket writer to note every trade frame it wrote, with the wall time."""
    original = Connection._write

    async def write(conn: Connection, text: str) -> None:
        await original(conn, text)
        if not conn.closed and text.startswith('{"channel":"trades"'):
            into.append((ms(), json.loads(text)["data"]))

    with mock.patch.object(Connection, "_write", write):
        yield


def _assert_invariants(run: Run) -> None:
    assert run.trades.num_rows > 0 and set(run.books["coin"].to_pylist()) == set(COINS)
    gaps = run.gaps.to_pylist()
    assert all(g["start"] <= g["end"] and g["cause"] in ("disconnect", "silent") for g in gaps), gaps
    for coin in COINS:
        landed = keys(run.trades, coin)
        assert len(landed) == len(set(landed)), f"{coin}: a trade landed twice"
        written = {
            (t["time"], t["tid"])
            for at, data in run.written
            if at < run.stopped - READ_MARGIN_MS
            for t in data
            if t["coin"] == coin
        }
        assert written <= set(landed), (
            f"{coin}: {len(written - set(landed))} trades sent while connected were lost"
        )

        spans = run.gap_spans("trades", coin)
        first_rx = receive_times(run.trades, coin)[0]
        unlanded = set(model_trades(run.market, coin, first_rx, run.stopped - READ_MARGIN_MS)) - set(landed)
        uncovered = [t for t, _ in unlanded if not any(a - PUSH_SLACK_MS <= t <= b for a, b in spans)]
        assert not uncovered, f"{coin}: trades neither landed nor inside a gap: {uncovered[:5]}"

        _assert_gap_minutes_reconciled(run, coin, spans)
        for channel, table in (("trades", run.trades), ("l2Book", run.books)):
            spans = run.gap_spans(channel, coin)
            times = receive_times(table, coin)
            silent = [(a, b) for a, b in zip(times, times[1:]) if b - a > SILENCE_MS]
            assert all(any(s <= a and b <= e for s, e in spans) for a, b in silent), (
                channel,
                coin,
                silent,
                spans,
            )


def _assert_gap_minutes_reconciled(run: Run, coin: str, spans: list[tuple[int, int]]) -> None:
    """After each trades gap the exchange's 1m candles of its minutes landed; a minute already closed
    when fetched counts exactly the trades the simulator's tape has in it."""
    rows = run.gap_candles.filter(pc.equal(run.gap_candles["coin"], coin))
    fetched = {
        t: (n, r)
        for t, n, r in zip(
            rows["time"].cast(pa.int64()).to_pylist(),
            rows["trades"].to_pylist(),
            rows["receive_time"].cast(pa.int64()).to_pylist(),
        )
    }
    for start, end in spans:
        for minute in range(start - start % 60_000, end, 60_000):
            assert minute in fetched, f"{coin}: minute {minute} of the gap {start}..{end} was not reconciled"
            count, when = fetched[minute]
            if minute + 60_000 <= when:
                assert count == len(model_trades(run.market, coin, minute - 1, minute + 59_999)), (
                    coin,
                    minute,
                )


def _silent_for(seconds: float):
    def switch(faults: FaultConfig) -> None:
        faults.ws_silent = True
        threading.Timer(seconds, lambda: setattr(faults, "ws_silent", False)).start()

    return switch


FAULTS = {
    "clean": (FaultConfig(), None),
    "drop": (FaultConfig(ws_drop=0.05), None),
    "duplicate": (FaultConfig(ws_duplicate=0.5), None),
    "reorder": (FaultConfig(ws_reorder=0.5), None),
    "silent": (FaultConfig(), _silent_for(1.6)),
    "all": (FaultConfig(ws_drop=0.05, ws_duplicate=0.3, ws_reorder=0.3), None),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_trade_sent_lands_once_and_every_silence_is_a_gap(tmp_path, fault, seed):
    faults, switch = FAULTS[fault]
    run = Run(tmp_path, seed, faults, 3.5 if fault == "silent" else 2.0, switch)
    _assert_invariants(run)
    causes = set(run.gaps["cause"].to_pylist())
    if fault == "clean":
        assert run.collector.health.reconnects == 0 and not causes
        assert (tmp_path / "heartbeat.json").exists()
        assert not list(tmp_path.glob("*/.journal-*"))  # everything rotated on stop
    if fault in ("drop", "all"):
        assert run.collector.health.reconnects >= 1 and "disconnect" in causes
    if fault == "duplicate":
        assert run.collector.dedupe.dropped > 0
    if fault == "silent":
        assert "silent" in causes


def test_books_resume_after_every_reconnect(tmp_path):
    run = Run(tmp_path, 4, FaultConfig(ws_drop=0.05), 3.0)
    book_times = run.books["receive_time"].cast("int64").to_pylist()
    spans = [s for c in COINS for s in run.gap_spans("l2Book", c)]
    assert spans
    for start, end in spans:
        assert any(start < t <= end + 1_500 for t in book_times), (start, end)

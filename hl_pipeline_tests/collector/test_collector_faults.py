"""The collector against the simulator's WebSocket with each fault injected, over several seeds.

Every run checks the same invariants: each trade the simulator wrote to the socket while the
collector was reading landed exactly once; every trade the market had while the collector was
running either landed or falls inside a gap record; every silence in a stream (books quiet, or
trades quiet while the market traded) is a gap record."""

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Iterator
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
DEADLINE_S = 60.0  # a run that has not seen what it waits for by then fails (a bound, not a pace)
POLL_S = 0.05
FOLLOW_MS = 1_000  # the stream must have moved this far past the cut (a held reordered frame is out)

Until = Callable[[Collector], bool]


class Run:
    """One collector run: what the simulator wrote to sockets, where the test cut the stream, what landed.

    The run lasts at least `seconds` and then until `until(collector)` holds (the fault's effect was
    seen), within DEADLINE_S. Before stopping it drains: `cut` is noted, and the collector is stopped
    only once it has received every trade frame written before the cut and, per coin, a trade from
    FOLLOW_MS after it (so every trade up to the cut was sent or lost). Nothing here depends on how
    fast the machine is, only on the order of events."""

    cut: int  # wall ms: every trade frame written before it was received before the stop
    stopped: int  # wall ms when the stop was signalled

    def __init__(
        self,
        tmp_path,
        seed: int,
        faults: FaultConfig,
        seconds: float,
        until: Until | None = None,
        switch: Callable[[Collector, FaultConfig], bool] | None = None,
    ):
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
            asyncio.run(self._main(seconds, until, switch, sim.config.faults))
        self.trades, self.books, self.gaps, self.gap_candles = (
            on_disk(tmp_path, ch) for ch in ("trades", "l2Book", "gaps", "gap_candles")
        )

    async def _main(self, seconds, until, switch, faults) -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(self.collector.run(stop))
        try:
            await self._drive(seconds, until, switch, faults, running)
        finally:
            self.stopped = ms()
            stop.set()
            await running

    async def _drive(self, seconds, until, switch, faults, running: asyncio.Task) -> None:
        start = time.monotonic()
        deadline = start + DEADLINE_S

        async def wait_for(condition: Callable[[], bool], what: str) -> None:
            while not condition():
                assert not running.done(), f"the collector ended while waiting for {what}"
                assert time.monotonic() < deadline, f"not within {DEADLINE_S:g} s: {what}"
                await asyncio.sleep(POLL_S)

        if switch is not None:  # a live fault schedule, driven by what the collector has seen
            await wait_for(lambda: switch(self.collector, faults), "the fault schedule")
        await wait_for(lambda: time.monotonic() - start >= seconds, "the minimum run time")
        await wait_for(lambda: until is None or until(self.collector), "the fault's effect")
        self.cut = ms()
        seen = self.collector.dedupe

        def drained() -> bool:
            frames = list(self.written)
            before = (k for at, data in frames if at < self.cut for k in _keys(data))
            after = [k for at, data in frames if at >= self.cut for k in _keys(data) if k in seen]
            return all(k in seen for k in before) and all(
                any(k[0] == coin and k[1] > self.cut + FOLLOW_MS for k in after) for coin in COINS
            )

        await wait_for(drained, "every trade written before the cut, and per coin one well after it")

    def gap_spans(self, channel: str, coin: str) -> list[tuple[int, int]]:
        return [
            (int(g["start"].timestamp() * 1000), int(g["end"].timestamp() * 1000))
            for g in self.gaps.to_pylist()
            if (g["channel"], g["coin"]) == (channel, coin)
        ]


def _keys(data: list[dict]) -> list[tuple[str, int, int]]:
    """(coin, time, tid) of a trades frame's rows: the collector's de-duplication key."""
    return [(t["coin"], t["time"], t["tid"]) for t in data]


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
            if at < run.cut
            for t in data
            if t["coin"] == coin
        }
        assert written <= set(landed), (
            f"{coin}: {len(written - set(landed))} trades sent while connected were lost"
        )

        spans = run.gap_spans("trades", coin)
        first_rx = receive_times(run.trades, coin)[0]
        unlanded = set(model_trades(run.market, coin, first_rx, run.cut)) - set(landed)
        uncovered = [t for t, _ in unlanded if not any(a - PUSH_SLACK_MS <= t <= b for a, b in spans)]
        assert not uncovered, f"{coin}: trades neither landed nor inside a gap: {uncovered[:5]}"

        _assert_gap_minutes_reconciled(run, coin, spans)
        traded = [t for t, _ in model_trades(run.market, coin, first_rx, run.cut)]
        for channel, table in (("trades", run.trades), ("l2Book", run.books)):
            spans = run.gap_spans(channel, coin)
            times = receive_times(table, coin)
            silent = [(a, b) for a, b in zip(times, times[1:]) if b - a > SILENCE_MS]
            if channel == "trades":  # the market itself may not trade for a while: only a stream that
                # stayed quiet while the market traded is a silence
                silent = [(a, b) for a, b in silent if any(a < t < b - PUSH_SLACK_MS for t in traded)]
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


def _silence_until_noticed(collector: Collector, faults: FaultConfig) -> bool:
    """Go silent once both coins streamed; speak again once the collector noticed (reconnected)."""
    if not faults.ws_silent:
        if (
            all(collector.health.counts[ch] > 0 for ch in ("trades", "l2Book"))
            and not collector.health.reconnects
        ):
            faults.ws_silent = True
        return False
    if collector.health.reconnects:
        faults.ws_silent = False
        return True
    return False


def _gap(channel: str, cause: str) -> Until:
    return lambda c: c.health.gap_causes[(channel, cause)] > 0


def _reconnected_with_gap(c: Collector) -> bool:
    return c.health.reconnects >= 1 and _gap("trades", "disconnect")(c)


FAULTS: dict[str, tuple[FaultConfig, Until | None, Callable[[Collector, FaultConfig], bool] | None]] = {
    "clean": (FaultConfig(), None, None),
    "drop": (FaultConfig(ws_drop=0.05), _reconnected_with_gap, None),
    "duplicate": (FaultConfig(ws_duplicate=0.5), lambda c: c.dedupe.dropped > 0, None),
    "reorder": (FaultConfig(ws_reorder=0.5), None, None),
    "silent": (FaultConfig(), _gap("trades", "silent"), _silence_until_noticed),
    "all": (FaultConfig(ws_drop=0.05, ws_duplicate=0.3, ws_reorder=0.3), _reconnected_with_gap, None),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_trade_sent_lands_once_and_every_silence_is_a_gap(tmp_path, fault, seed):
    faults, until, switch = FAULTS[fault]
    run = Run(tmp_path, seed, faults, 2.0, until, switch)
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
    run = Run(tmp_path, 4, FaultConfig(ws_drop=0.05), 3.0, until=_gap("l2Book", "disconnect"))
    book_times = run.books["receive_time"].cast("int64").to_pylist()
    spans = [s for c in COINS for s in run.gap_spans("l2Book", c)]
    assert spans
    for start, end in spans:
        assert any(start < t <= end + 1_500 for t in book_times), (start, end)

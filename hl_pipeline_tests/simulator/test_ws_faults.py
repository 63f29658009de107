"""The /ws feed: idle close, unknown coin, fault switches, replay rates, and the official SDK."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import websockets

from hl_pipeline.simulator.config import FaultConfig, SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.simulator.helpers import NOW
from hl_pipeline_tests.simulator.wsclient import (
    DEADLINE,
    closed_within,
    collect,
    collect_until,
    recv,
    run,
    subscribe,
    ws_url,
)

TRADES = {"type": "trades", "coin": "BTC"}


def _config(**kw) -> SimulatorConfig:
    faults = kw.pop("faults", FaultConfig())
    return SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False, ws_speed=30.0, faults=faults, **kw)


def test_idle_socket_is_closed_and_pings_keep_it_open():
    idle_timeout = 0.5

    async def go(url):
        idle = await websockets.connect(url)
        async with websockets.connect(url) as pinged:
            closing = asyncio.create_task(closed_within(idle, DEADLINE))
            pings, start = 0, time.monotonic()
            # ping every 0.1 s until the idle socket is gone and twice the idle timeout has passed
            while not closing.done() or time.monotonic() - start < 2 * idle_timeout:
                await pinged.send(json.dumps({"method": "ping"}))
                assert await recv(pinged) == {"channel": "pong"}
                pings += 1
                await asyncio.sleep(0.1)
            await pinged.send(json.dumps({"method": "ping"}))
            return await closing, await recv(pinged), pings

    with running_simulator(_config(ws_idle_timeout=idle_timeout)) as sim:
        code, pong, pings = run(go(ws_url(sim)))
    assert code == 1006 and pong == {"channel": "pong"} and pings >= 2


def test_unknown_or_lowercase_coin_closes_the_socket():
    async def go(url, coin):
        async with websockets.connect(url) as ws:
            await subscribe(ws, TRADES)
            await collect(ws, 0.2)
            await subscribe(ws, {"type": "trades", "coin": coin})
            return await closed_within(ws, DEADLINE)

    with running_simulator(_config()) as sim:
        assert run(go(ws_url(sim), "NOPE")) == 1006
        assert run(go(ws_url(sim), "btc")) == 1006


def test_drop_closes_abruptly():
    with running_simulator(_config(faults=FaultConfig(ws_drop=1.0))) as sim:

        async def go():
            async with websockets.connect(ws_url(sim)) as ws:
                await subscribe(ws, TRADES)
                assert (await recv(ws))["channel"] == "subscriptionResponse"  # acks are not data
                return await closed_within(ws, DEADLINE)

        assert run(go()) == 1006


def test_silent_keeps_the_socket_open_and_sends_nothing():
    faults = FaultConfig(ws_silent=True)
    with running_simulator(_config(faults=faults, ws_idle_timeout=0.3)) as sim:

        async def go():
            async with websockets.connect(ws_url(sim)) as ws:
                await subscribe(ws, TRADES)
                await ws.send(json.dumps({"method": "ping"}))
                quiet = await collect(ws, 1.0)  # nothing at all, and no idle close, while silent
                faults.ws_silent = False  # live switch: the feed resumes on the same socket
                await ws.send(json.dumps({"method": "ping"}))
                return quiet, await collect_until(
                    ws, lambda ms: {"channel": "pong"} in ms and any(m["channel"] == "trades" for m in ms)
                )

        quiet, after = run(go())
    assert quiet == [] and {"channel": "pong"} in after and any(m["channel"] == "trades" for m in after)


def test_duplicate_sends_every_data_message_twice():
    with running_simulator(_config(faults=FaultConfig(ws_duplicate=1.0))) as sim:

        async def go():
            async with websockets.connect(ws_url(sim)) as ws:
                await subscribe(ws, TRADES)
                return await collect_until(ws, lambda ms: len(ms) >= 4 and len(ms) % 2 == 0, "trades")

        msgs = run(go())
    assert (
        len(msgs) >= 4 and len(msgs) % 2 == 0 and all(msgs[i] == msgs[i + 1] for i in range(0, len(msgs), 2))
    )


def test_reorder_swaps_consecutive_trade_messages():
    with running_simulator(_config(faults=FaultConfig(ws_reorder=1.0))) as sim:

        async def go():
            async with websockets.connect(ws_url(sim)) as ws:
                await subscribe(ws, TRADES)
                return await collect_until(ws, lambda ms: len(ms) >= 4, "trades")

        msgs = run(go())
    firsts = [m["data"][0]["time"] for m in msgs]
    assert len(firsts) >= 4 and firsts[0] > firsts[1] and firsts[2] > firsts[3]


def _replay(rate, messages: int) -> tuple[list, float]:
    """The first `messages` trades frames of a replay, and the wall seconds from connecting."""
    with running_simulator(_config(ws_stream_rate=rate)) as sim:

        async def go():  # an unbounded client queue: a stalled reader would stall the close handshake
            start = time.monotonic()
            async with websockets.connect(ws_url(sim), max_queue=None) as ws:
                await subscribe(ws, TRADES)
                msgs = await collect_until(ws, lambda ms: len(ms) >= messages, "trades")
                return msgs, time.monotonic() - start

        return run(go())


def test_rate_mode_paces_the_tape():
    """One trade per message in time order, never faster than the rate (how close to it a machine
    gets is a benchmark: bench/ws_burst.py)."""
    rate = 40.0
    msgs, seconds = _replay(rate, 25)
    msgs = msgs[1:]  # after the recent batch
    assert all(len(m["data"]) == 1 for m in msgs)
    assert len(msgs) <= rate * seconds + 1  # the pacer never runs ahead of N msgs/s
    times = [m["data"][0]["time"] for m in msgs]
    assert times == sorted(times)


def test_burst_mode_replays_the_tape_fast():
    """Burst runs the tape ahead of the connection clock: one trade per message, unique, in time
    order, reaching far past where the clock alone would be (msgs/s: bench/ws_burst.py)."""
    config = _config()
    msgs, seconds = _replay("burst", 1001)
    rows = [m["data"][0] for m in msgs[1:]]
    assert all(len(m["data"]) == 1 for m in msgs[1:]) and len(rows) == 1000
    assert len({r["tid"] for r in rows}) == len(rows)
    assert [r["time"] for r in rows] == sorted(r["time"] for r in rows)
    clock_ms = NOW + seconds * 1000 * config.ws_speed  # where the connection clock would be unaided
    assert rows[-1]["time"] > clock_ms  # BTC trades ~0.4/s: 1000 of them span ~40 minutes


def test_official_sdk_subscribes_to_trades():
    from hyperliquid.info import Info

    got, done = [], threading.Event()

    def callback(msg):
        got.append(msg)
        done.set()

    with running_simulator(_config()) as sim:
        info = Info(sim.base_url, skip_ws=False)
        try:
            info.subscribe({"type": "trades", "coin": "BTC"}, callback)
            assert done.wait(10)
        finally:
            info.disconnect_websocket()
    assert (
        got[0]["channel"] == "trades"
        and got[0]["data"][0]["coin"] == "BTC"
        and len(got[0]["data"][0]["users"]) == 2
    )

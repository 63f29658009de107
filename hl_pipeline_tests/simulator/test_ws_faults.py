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
from hl_pipeline_tests.simulator.wsclient import closed_within, collect, recv, run, subscribe, ws_url

TRADES = {"type": "trades", "coin": "BTC"}


def _config(**kw) -> SimulatorConfig:
    faults = kw.pop("faults", FaultConfig())
    return SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False, ws_speed=30.0, faults=faults, **kw)


def test_idle_socket_is_closed_and_pings_keep_it_open():
    async def go(url):
        idle = await websockets.connect(url)
        async with websockets.connect(url) as pinged:
            for _ in range(8):  # 1.2 s of pings every 0.15 s against a 0.4 s idle timeout
                await pinged.send(json.dumps({"method": "ping"}))
                assert await recv(pinged) == {"channel": "pong"}
                await asyncio.sleep(0.15)
            code = await closed_within(idle, 0.1)
            await pinged.send(json.dumps({"method": "ping"}))
            return code, await recv(pinged)

    with running_simulator(_config(ws_idle_timeout=0.4)) as sim:
        start = time.monotonic()
        code, pong = run(go(ws_url(sim)))
    assert code == 1006 and pong == {"channel": "pong"} and time.monotonic() - start < 5


def test_unknown_or_lowercase_coin_closes_the_socket():
    async def go(url, coin):
        async with websockets.connect(url) as ws:
            await subscribe(ws, TRADES)
            await collect(ws, 0.2)
            await subscribe(ws, {"type": "trades", "coin": coin})
            return await closed_within(ws, 2.0)

    with running_simulator(_config()) as sim:
        assert run(go(ws_url(sim), "NOPE")) == 1006
        assert run(go(ws_url(sim), "btc")) == 1006


def test_drop_closes_abruptly():
    with running_simulator(_config(faults=FaultConfig(ws_drop=1.0))) as sim:

        async def go():
            async with websockets.connect(ws_url(sim)) as ws:
                await subscribe(ws, TRADES)
                assert (await recv(ws))["channel"] == "subscriptionResponse"  # acks are not data
                return await closed_within(ws, 2.0)

        assert run(go()) == 1006


def test_silent_keeps_the_socket_open_and_sends_nothing():
    faults = FaultConfig(ws_silent=True)
    with running_simulator(_config(faults=faults, ws_idle_timeout=0.3)) as sim:

        async def go():
            async with websockets.connect(ws_url(sim)) as ws:
                await subscribe(ws, TRADES)
                await ws.send(json.dumps({"method": "ping"}))
                quiet = await collect(ws, 1.0)
                faults.ws_silent = False  # live switch: the feed resumes on the same socket
                await ws.send(json.dumps({"method": "ping"}))
                return quiet, await collect(ws, 0.6)

        quiet, after = run(go())
    assert quiet == [] and {"channel": "pong"} in after and any(m["channel"] == "trades" for m in after)


def test_duplicate_sends_every_data_message_twice():
    with running_simulator(_config(faults=FaultConfig(ws_duplicate=1.0))) as sim:

        async def go():
            async with websockets.connect(ws_url(sim)) as ws:
                await subscribe(ws, TRADES)
                return await collect(ws, 1.2, "trades")

        msgs = run(go())
    assert (
        len(msgs) >= 4 and len(msgs) % 2 == 0 and all(msgs[i] == msgs[i + 1] for i in range(0, len(msgs), 2))
    )


def test_reorder_swaps_consecutive_trade_messages():
    with running_simulator(_config(faults=FaultConfig(ws_reorder=1.0))) as sim:

        async def go():
            async with websockets.connect(ws_url(sim)) as ws:
                await subscribe(ws, TRADES)
                return await collect(ws, 1.5, "trades")

        msgs = run(go())
    firsts = [m["data"][0]["time"] for m in msgs]
    assert len(firsts) >= 4 and firsts[0] > firsts[1] and firsts[2] > firsts[3]


def _replay(rate, seconds: float) -> list:
    with running_simulator(_config(ws_stream_rate=rate)) as sim:

        async def go():  # an unbounded client queue: a stalled reader would stall the close handshake
            async with websockets.connect(ws_url(sim), max_queue=None) as ws:
                await subscribe(ws, TRADES)
                return await collect(ws, seconds, "trades")

        return run(go())


def test_rate_mode_paces_the_tape():
    msgs = _replay(40.0, 1.0)[1:]  # after the recent batch
    assert 25 <= len(msgs) <= 50 and all(len(m["data"]) == 1 for m in msgs)
    times = [m["data"][0]["time"] for m in msgs]
    assert times == sorted(times)


def test_burst_mode_replays_the_tape_fast():
    msgs = _replay("burst", 1.0)[1:]
    rows = [m["data"][0] for m in msgs]
    assert len(rows) > 1000  # far beyond real time (BTC trades ~0.4/s)
    assert len({r["tid"] for r in rows}) == len(rows)
    assert [r["time"] for r in rows] == sorted(r["time"] for r in rows)


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

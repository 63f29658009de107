"""The /ws feed: acks, trades (batch + stream) consistent with REST, books, candles, mids, fills, ping."""

from __future__ import annotations

import json

import pytest
import websockets

from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline_tests.simulator.helpers import NOW, post
from hl_pipeline_tests.simulator.wsclient import collect, collect_until, recv, run, subscribe, ws_url


@pytest.fixture(scope="module")
def fast_sim():
    """A simulator whose WS clock runs 30x wall time, with short cadences."""
    with running_simulator(
        SimulatorConfig(seed=7, now_ms=NOW, rate_limit=False, ws_speed=30.0, ws_book_ms=300)
    ) as sim:
        yield sim


def _rest_at(t_ms: int, body: dict):
    with running_simulator(SimulatorConfig(seed=7, now_ms=t_ms, rate_limit=False)) as sim:
        return post(sim, body).json()


def test_acks_echo_defaults(fast_sim):
    user = "0x" + "Ab" * 20

    async def go():
        async with websockets.connect(ws_url(fast_sim)) as ws:
            acks = []
            for sub in (
                {"type": "l2Book", "coin": "BTC"},
                {"type": "userFills", "user": user},
                {"type": "trades", "coin": "ETH"},
                {"type": "candle", "coin": "SOL", "interval": "1h"},
                {"type": "allMids"},
                {"type": "activeAssetCtx", "coin": "BTC"},
            ):
                await subscribe(ws, sub)
                while (msg := await recv(ws))["channel"] != "subscriptionResponse":
                    pass
                acks.append(msg["data"])
            return acks

    acks = run(go())
    assert acks[0] == {
        "method": "subscribe",
        "subscription": {"type": "l2Book", "coin": "BTC", "nSigFigs": None, "mantissa": None, "fast": False},
    }
    assert acks[1]["subscription"] == {"type": "userFills", "user": user.lower(), "aggregateByTime": False}
    assert acks[2]["subscription"] == {"type": "trades", "coin": "ETH"}
    assert acks[3]["subscription"] == {"type": "candle", "coin": "SOL", "interval": "1h"}


def test_trades_batch_then_stream_match_the_model_and_rest(fast_sim):
    async def go():
        async with websockets.connect(ws_url(fast_sim)) as ws:
            await subscribe(ws, {"type": "trades", "coin": "BTC"})
            ack, first = await recv(ws), await recv(ws)
            streamed = await collect_until(ws, lambda ms: sum(len(m["data"]) for m in ms) > 10, "trades")
            return ack, first, streamed

    ack, first, stream = run(go())
    assert ack["channel"] == "subscriptionResponse" and first["channel"] == "trades"
    batch = first["data"]
    assert len(batch) >= 30 and batch[-1]["time"] <= NOW + 2000  # the recent batch, at the connect time
    assert {t["time"] for t in batch[: len(batch) - 29]} == {
        batch[-30]["time"]
    }  # more only not to split a sweep
    rows = batch + [t for m in stream for t in m["data"]]
    assert len(rows) > 40 and [t["time"] for t in rows] == sorted(t["time"] for t in rows)
    assert len({t["tid"] for t in rows}) == len(rows)
    for t in rows:
        assert t["coin"] == "BTC" and t["side"] in "AB" and isinstance(t["tid"], int) and t["tid"] < 2**50
        assert len(t["users"]) == 2 and all(u.startswith("0x") and len(u) == 42 for u in t["users"])
    last = rows[-1]["time"]
    rest = _rest_at(last, {"type": "recentTrades", "coin": "BTC"})  # newest first, 10 rows
    assert rest == rows[::-1][:10]


def test_l2book_levels_and_rest_consistency(fast_sim):
    async def go():
        async with websockets.connect(ws_url(fast_sim)) as ws:
            await subscribe(ws, {"type": "l2Book", "coin": "ETH"})
            await subscribe(ws, {"type": "l2Book", "coin": "BTC", "fast": True})

            def both_twice(ms: list) -> bool:
                coins = [m["data"]["coin"] for m in ms]
                return coins.count("ETH") >= 2 and coins.count("BTC") >= 2

            return await collect_until(ws, both_twice, "l2Book")

    books = run(go())
    slow = [b["data"] for b in books if b["data"]["coin"] == "ETH"]
    fast = [b["data"] for b in books if b["data"]["coin"] == "BTC"]
    assert len(slow) >= 2 and len(fast) >= 2
    for book, depth in [(b, 20) for b in slow] + [(b, 5) for b in fast]:
        bids, asks = book["levels"]
        assert len(bids) == len(asks) == depth
        assert [float(x["px"]) for x in bids] == sorted((float(x["px"]) for x in bids), reverse=True)
        assert [float(x["px"]) for x in asks] == sorted(float(x["px"]) for x in asks)
        assert float(bids[0]["px"]) < float(asks[0]["px"])
    rest = _rest_at(slow[-1]["time"], {"type": "l2Book", "coin": "ETH"})
    assert rest["levels"] == slow[-1]["levels"]


def test_candle_mids_ctx_shapes(fast_sim):
    async def go():
        async with websockets.connect(ws_url(fast_sim)) as ws:
            for sub in (
                {"type": "candle", "coin": "BTC", "interval": "1m"},
                {"type": "allMids"},
                {"type": "activeAssetCtx", "coin": "SOL"},
            ):
                await subscribe(ws, sub)
            return await collect_until(
                ws, lambda ms: {"candle", "allMids", "activeAssetCtx"} <= {m["channel"] for m in ms}
            )

    msgs = run(go())
    by = {m["channel"]: m["data"] for m in msgs}
    candle = by["candle"]
    assert (
        isinstance(candle, dict)
        and candle["s"] == "BTC"
        and candle["i"] == "1m"
        and candle["T"] == candle["t"] + 59_999
    )
    req = {"coin": "BTC", "interval": "1m", "startTime": candle["t"], "endTime": candle["t"]}
    assert _rest_at(candle["t"] + 30_000, {"type": "candleSnapshot", "req": req}) == [candle]
    assert set(by["allMids"]) == {"mids"} and "BTC" in by["allMids"]["mids"]
    assert by["activeAssetCtx"]["coin"] == "SOL" and "markPx" in by["activeAssetCtx"]["ctx"]


def test_user_fills_snapshot_first(fast_sim):
    user = post(fast_sim, {"type": "recentTrades", "coin": "BTC"}).json()[0]["users"][0]

    async def go():
        async with websockets.connect(ws_url(fast_sim)) as ws:
            await subscribe(ws, {"type": "userFills", "user": user})
            return await recv(ws), await recv(ws)

    ack, snap = run(go())
    assert ack["channel"] == "subscriptionResponse"
    assert (
        snap["channel"] == "userFills" and snap["data"]["isSnapshot"] is True and snap["data"]["user"] == user
    )
    fills = snap["data"]["fills"]
    assert fills and fills[0]["time"] >= NOW - 3_600_000
    rest = post(fast_sim, {"type": "userFills", "user": user}).json()
    assert [f["tid"] for f in fills if f["time"] <= NOW] == [f["tid"] for f in rest]


def test_ping_errors_duplicate_unsubscribe(fast_sim):
    async def go():
        async with websockets.connect(ws_url(fast_sim)) as ws:
            out = []
            await ws.send(json.dumps({"method": "ping"}))
            out.append(await recv(ws))
            await ws.send("{not json")
            out.append(await recv(ws))
            await ws.send(json.dumps({"method": "hello"}))
            out.append(await recv(ws))
            await subscribe(ws, {"type": "allMids"})
            await subscribe(ws, {"type": "allMids"})
            frames = [await recv(ws) for _ in range(3)]
            await subscribe(ws, {"type": "allMids"}, "unsubscribe")
            rest = await collect(ws, 1.3)
            return out, frames, rest

    out, frames, rest = run(go())
    assert out[0] == {"channel": "pong"}
    assert out[1] == {
        "channel": "error",
        "data": "Error parsing JSON into valid websocket request: {not json",
    }
    assert out[2]["channel"] == "error"
    assert {"channel": "error", "data": 'Already subscribed: {"type":"allMids"}'} in frames
    unsub = [m for m in rest if m["channel"] == "subscriptionResponse"]
    assert unsub == [
        {
            "channel": "subscriptionResponse",
            "data": {"method": "unsubscribe", "subscription": {"type": "allMids"}},
        }
    ]
    assert rest[-1]["channel"] == "subscriptionResponse"  # nothing after the unsubscribe ack

"""The HTTP server: POST /info with the real limits, errors and injected faults (aiohttp)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import threading
from collections.abc import Iterator
from typing import Any

from aiohttp import web

from hl_pipeline.exchange.weights import base_weight, item_weight
from hl_pipeline.simulator.bodies import BadRequest
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.faults import FaultInjector
from hl_pipeline.simulator.info import answer, encode, request_type
from hl_pipeline.simulator.market import Market, UnknownCoin
from hl_pipeline.simulator.ratelimit import WeightBudget
from hl_pipeline.simulator.venues import install as install_venues
from hl_pipeline.simulator.ws import install as install_ws

HEADERS = {"access-control-allow-origin": "*", "access-control-expose-headers": "*"}
_DESERIALIZE = "Failed to deserialize the JSON body into the target type"
APP_CONFIG = web.AppKey("config", SimulatorConfig)


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=encode(payload),
        status=status,
        content_type="application/json",
        headers=HEADERS,
    )


def _null(status: int) -> web.Response:
    return web.Response(body=b"null", status=status, content_type="application/json", headers=HEADERS)


async def _truncated(request: web.Request, body: bytes) -> web.StreamResponse:
    resp = web.StreamResponse(status=200, headers=HEADERS)
    resp.content_type = "application/json"
    resp.content_length = len(body)
    await resp.prepare(request)
    await resp.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.close()
    return resp


def make_app(config: SimulatorConfig) -> web.Application:
    """The simulator application: POST /info, the GET /ws feed and the other venues' REST APIs."""
    market, budget, faults = (
        Market(config),
        WeightBudget(config.weight_per_minute),
        FaultInjector(config.seed),
    )

    async def info(request: web.Request) -> web.StreamResponse:
        fault, status = faults.draw(config.faults)
        if fault == "rate_limit_burst":
            return _null(429)
        if fault == "server_error":
            return _null(status)
        if fault == "malformed":
            return web.Response(
                body=b'{"universe":[{"name":"BTC",', content_type="application/json", headers=HEADERS
            )
        if fault == "slow":
            await asyncio.sleep(config.faults.slow_seconds)
        raw = await request.read()
        try:
            body = json.loads(raw)
            kind = request_type(body)
        except (ValueError, BadRequest) as exc:
            detail = str(exc) if isinstance(exc, BadRequest) else "expected value"
            return web.Response(text=f"{_DESERIALIZE}: {detail}", status=422, headers=HEADERS)
        ip = request.remote or "unknown"
        if config.rate_limit and not budget.admit(ip, base_weight(kind)):
            return _null(429)
        try:
            payload, items = answer(market, body)
        except BadRequest as exc:
            return web.Response(text=f"{_DESERIALIZE}: {exc}", status=422, headers=HEADERS)
        except UnknownCoin:
            return _null(500)
        if config.rate_limit:
            budget.charge(ip, item_weight(kind, items))
        if fault == "truncated":
            return await _truncated(request, encode(payload))
        return _json(payload)

    app = web.Application()
    app[APP_CONFIG] = config
    app.router.add_post("/info", info)
    install_ws(app, config, market)
    install_venues(app, config)
    return app


@dataclasses.dataclass
class SimulatorHandle:
    """A running simulator: where to reach it and its live config."""

    base_url: str
    config: SimulatorConfig
    host: str
    port: int


@contextlib.contextmanager
def running_simulator(
    config: SimulatorConfig, host: str = "127.0.0.1", port: int = 0
) -> Iterator[SimulatorHandle]:
    """Serve the simulator in a background thread with its own event loop; stop on exit."""
    loop = asyncio.new_event_loop()
    started: dict[str, Any] = {}
    ready = threading.Event()

    async def start() -> None:
        runner = web.AppRunner(make_app(config), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        started["runner"] = runner
        started["port"] = runner.addresses[0][1]

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as exc:  # noqa: BLE001 - thread boundary: re-raised in the caller below
            started["error"] = exc
        ready.set()
        if "error" not in started:
            loop.run_forever()
        loop.close()

    thread = threading.Thread(target=serve, name="hl-simulator", daemon=True)
    thread.start()
    ready.wait()
    if "error" in started:
        raise started["error"]
    try:
        yield SimulatorHandle(f"http://{host}:{started['port']}", config, host, started["port"])
    finally:
        asyncio.run_coroutine_threadsafe(started["runner"].cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)

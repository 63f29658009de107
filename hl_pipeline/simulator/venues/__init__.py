"""The other venues ccxt talks to, each under its own path prefix on the simulator's port
(`/<ccxt id>/...`), priced from the efficient price Hyperliquid's path is, plus basis, lag and noise."""

from __future__ import annotations

from aiohttp import web

from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.venues import binanceusdm, bybit, coinbaseexchange, okx
from hl_pipeline.simulator.venues.listing import VENUES, truth

__all__ = ["VENUES", "install", "truth"]


def install(app: web.Application, config: SimulatorConfig) -> None:
    """Register every venue's routes on the simulator's application."""
    for venue in (binanceusdm, bybit, okx, coinbaseexchange):
        venue.install(app, config)

"""`hl-pipeline collect`: stream trades and books into the landing zone until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from hl_pipeline import settings


def collect(coins: str | None, landing: str, seconds: float | None = None) -> int:
    from hl_pipeline.collector.session import Collector, CollectorConfig
    from hl_pipeline.exchange.networks import resolve_base_url
    from hl_pipeline.exchange.shared import client_for

    api = settings.api_config()
    coin_list = settings.parse_coins(coins or settings.env("HL_COINS", settings.DEFAULT_COINS))
    client = client_for(**api)
    for coin in coin_list:  # before connecting: an unknown coin would close the socket for every stream
        client.check_coin(coin)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    config = CollectorConfig(api_url=resolve_base_url(api["api_url"]), coins=coin_list, landing=Path(landing))
    collector = Collector(
        config,
        book_snapshot=client.l2_book,
        minute_candles=lambda coin, start, end: client.candles(coin, "1m", start, end),
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if seconds is not None:
            loop.call_later(seconds, stop.set)
        await collector.run(stop)

    asyncio.run(main())
    return 0

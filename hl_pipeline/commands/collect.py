"""`hl-pipeline collect`: stream trades and books into the landing zone until SIGTERM or SIGINT; with
`--shard i/N` only shard i's slice of the coins, into its own folder of the landing zone."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from hl_pipeline.errors import ConfigError
from hl_pipeline.settings import Settings, parse_market_coins


def _log_to_stdout(verbose: bool) -> None:
    """The collector's own lines on stdout (events as JSON with `verbose`); other loggers untouched."""
    log = logging.getLogger("hl_pipeline.collector")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(logging.DEBUG if verbose else logging.INFO)


def collect(
    settings: Settings,
    coins: str | None,
    landing: str | None,
    seconds: float | None = None,
    verbose: bool = False,
    shard: str | None = None,
    metrics_port: int | None = None,
    metrics_host: str = "127.0.0.1",
) -> int:
    """Stream `coins` (default: the settings' perps and spot pairs) into `landing` (default:
    HL_LANDING_ROOT); `shard` "i/N" streams shard i's slice into `<landing>/shard-i-of-N`.
    `metrics_port` serves Prometheus metrics on `metrics_host`."""
    from hl_pipeline.collector.session import Collector, CollectorConfig
    from hl_pipeline.collector.shards import (
        MAX_MESSAGES_SENT_PER_MINUTE,
        MAX_NEW_CONNECTIONS_PER_MINUTE,
        Shard,
        check_limits,
        parse_shard,
    )
    from hl_pipeline.exchange.networks import resolve_base_url
    from hl_pipeline.exchange.shared import client_for
    from hl_pipeline.lake.landing_layout import shard_folder
    from hl_pipeline.lake.paths import check_writable

    coin_list = (
        list(parse_market_coins(coins, "--coins"))
        if coins is not None
        else [*settings.coins, *settings.spot_coins]
    )
    if seconds is not None and not seconds > 0:  # also refuses nan
        raise ConfigError(f"bad --seconds {seconds!r}: a positive number of seconds, e.g. 60")
    if metrics_port is not None and not 0 <= metrics_port <= 65535:
        raise ConfigError(f"bad --metrics-port {metrics_port!r}: a TCP port, 0 to 65535 (0 picks a free one)")
    part = parse_shard(shard) if shard is not None else Shard(0, 1)
    coin_list = check_limits(coin_list, part.count, CollectorConfig.ping_seconds)[part.index]
    landing_root = Path(landing or settings.landing_root)
    check_writable(landing_root, "--landing" if landing else "HL_LANDING_ROOT")
    if shard is not None:
        landing_root = landing_root / shard_folder(part.index, part.count)
    client = client_for(
        api_url=settings.api_url, rate_limit=settings.rate_limit, retained_candles=settings.retained_candles
    )
    for coin in coin_list:  # before connecting: an unknown coin would close the socket for every stream
        client.check_coin(coin)
    _log_to_stdout(verbose)
    config = CollectorConfig(
        api_url=resolve_base_url(settings.api_url),
        coins=coin_list,
        landing=landing_root,
        sends_per_minute=MAX_MESSAGES_SENT_PER_MINUTE // part.count,
        connects_per_minute=MAX_NEW_CONNECTIONS_PER_MINUTE // part.count,
    )
    collector = Collector(
        config,
        book_snapshot=client.l2_book,
        minute_candles=lambda coin, start, end: client.candles(coin, "1m", start, end),
    )

    if metrics_port is not None:
        from hl_pipeline.collector.metrics import serve

        bound = serve(collector, str(part), metrics_port, metrics_host)
        logging.getLogger("hl_pipeline.collector").info(
            "collector: metrics on http://%s:%d/metrics", metrics_host, bound
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

"""`hl-pipeline simulator serve`: run the simulator in the foreground until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading

from hl_pipeline.simulator.config import FaultConfig, SimulatorConfig
from hl_pipeline.simulator.faults import parse_fault
from hl_pipeline.simulator.server import running_simulator


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `simulator serve`."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=8787,
        help="port to listen on (default 8787, where HL_API_URL points by default)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="market seed: every value is a function of it (default 0)"
    )
    parser.add_argument(
        "--no-retention", action="store_true", help="keep every candle, not just the newest 5000"
    )
    parser.add_argument(
        "--signal-strength",
        type=float,
        default=0.0,
        help="plant a 1m momentum signal of this strength (0 = null mode, plants nothing)",
    )
    parser.add_argument(
        "--no-rate-limit", action="store_true", help="do not enforce the 1200 weight/minute budget"
    )
    parser.add_argument(
        "--ws-stream-rate",
        metavar="N|burst",
        help="replay the trade tape on /ws at N messages/s, or as fast as possible with 'burst'",
    )
    parser.add_argument("--ws-book-ms", type=int, default=1000, help="l2Book push period on /ws (ms)")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="inject a fault, e.g. server_error=0.1, rate_limit_burst=5, slow=0.2, slow_seconds=2",
    )


def config_from(args: argparse.Namespace) -> SimulatorConfig:
    """The simulator config the parsed options describe."""
    faults = FaultConfig()
    for text in args.fault:
        name, value = parse_fault(text)
        setattr(faults, name, int(value) if name == "rate_limit_burst" else value)
    return SimulatorConfig(
        seed=args.seed,
        retention=None if args.no_retention else 5000,
        rate_limit=not args.no_rate_limit,
        faults=faults,
        signal_strength=args.signal_strength,
        ws_stream_rate=_stream_rate(args.ws_stream_rate),
        ws_book_ms=args.ws_book_ms,
    )


def _stream_rate(text: str | None) -> float | str | None:
    return text if text in (None, "burst") else float(text)


def run(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Serve until SIGINT/SIGTERM (or `stop` is set); prints the base URL."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    with running_simulator(config_from(args), host=args.host, port=args.port) as handle:
        print(f"Hyperliquid simulator listening on {handle.base_url} (POST /info)", flush=True)
        stop.wait()
    return 0

"""`hl-pipeline simulator serve`: run the simulator in the foreground until SIGINT/SIGTERM.

Every option is checked before anything starts: a bad value, or a port that is taken, prints one
line naming it and exits with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import signal
import sys
import threading

from hl_pipeline.simulator import flags
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator

USAGE_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `simulator serve` (values are checked by `config_from`, not by argparse)."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", default="8787", help="port to listen on (default 8787, where HL_API_URL points by default)"
    )
    parser.add_argument(
        "--seed", default="0", help="market seed: every value is a function of it (default 0)"
    )
    parser.add_argument(
        "--no-retention", action="store_true", help="keep every candle, not just the newest 5000"
    )
    parser.add_argument(
        "--signal-strength",
        default="0",
        help="plant a 1m momentum signal of this strength (0 = null mode, plants nothing)",
    )
    parser.add_argument(
        "--integrity-rate",
        default="0",
        help="plant wash rings, spoofs and spikes at this multiple of their base rates (0 = none)",
    )
    parser.add_argument(
        "--no-rate-limit", action="store_true", help="do not enforce the 1200 weight/minute budget"
    )
    parser.add_argument(
        "--ws-stream-rate",
        metavar="N|burst",
        help="replay the trade tape on /ws at N messages/s, or as fast as possible with 'burst'",
    )
    parser.add_argument(
        "--ws-book-ms", default="500", help="least gap between l2Book pushes on /ws, ms (default 500)"
    )
    parser.add_argument(
        "--ws-book-jitter",
        default="0.3",
        help="mean extra wait between l2Book pushes, as a fraction of --ws-book-ms (default 0.3)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="inject a fault, e.g. server_error=0.1, rate_limit_burst=5, slow=0.2, slow_seconds=2",
    )


def config_from(args: argparse.Namespace) -> SimulatorConfig:
    """The simulator config the parsed options describe, or FlagError naming the first bad one."""
    flags.integer("--port", args.port, 0, 65_535)
    return SimulatorConfig(
        seed=flags.integer("--seed", args.seed, 0),
        retention=None if args.no_retention else 5000,
        rate_limit=not args.no_rate_limit,
        faults=flags.faults(args.fault),
        signal_strength=flags.number("--signal-strength", args.signal_strength, 0.0),
        integrity_rate=flags.number("--integrity-rate", args.integrity_rate, 0.0),
        ws_stream_rate=flags.stream_rate(args.ws_stream_rate),
        ws_book_ms=flags.integer("--ws-book-ms", args.ws_book_ms, 1),
        ws_book_jitter=flags.number("--ws-book-jitter", args.ws_book_jitter, 0.0),
    )


def run(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Serve until SIGINT/SIGTERM (or `stop` is set); prints the base URL. Bad options: status 2."""
    try:
        config = config_from(args)
    except flags.FlagError as exc:
        print(f"hl-pipeline simulator serve: {exc}", file=sys.stderr)
        return USAGE_ERROR
    port = int(args.port)
    stop = stop or threading.Event()
    with contextlib.ExitStack() as stack:
        try:
            handle = stack.enter_context(running_simulator(config, host=args.host, port=port))
        except OSError as exc:
            taken = exc.errno == errno.EADDRINUSE
            why = "is already in use" if taken else f"cannot be listened on ({exc.strerror or exc})"
            print(f"hl-pipeline simulator serve: --port {port} on {args.host} {why}", file=sys.stderr)
            return USAGE_ERROR
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        print(f"Hyperliquid simulator listening on {handle.base_url} (POST /info)", flush=True)
        stop.wait()
    return 0

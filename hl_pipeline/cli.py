"""`hl-pipeline`: the simulator, the demo, the UI, backfills."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hl_pipeline import __version__


def _parser() -> argparse.ArgumentParser:
    from hl_pipeline.simulator import cli as simulator_cli

    parser = argparse.ArgumentParser(prog="hl-pipeline", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    sim = sub.add_parser("simulator", help="the Hyperliquid exchange simulator")
    sim_sub = sim.add_subparsers(dest="action", required=True)
    simulator_cli.add_arguments(
        sim_sub.add_parser("serve", help="serve the info API (and WebSocket) on HTTP")
    )
    archive = sim_sub.add_parser(
        "archive", help="write simulated S3 archives (l2Book, node_fills_by_block) for past days"
    )
    archive.add_argument(
        "--out",
        default="data/archive",
        help="folder that gets one subfolder per bucket (default data/archive)",
    )
    archive.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    archive.add_argument("--end", required=True, help="last day, YYYY-MM-DD (inclusive; must be over)")
    archive.add_argument("--coins", help="comma-separated coins (default: HL_COINS)")
    archive.add_argument(
        "--book-every", type=float, default=60.0, help="seconds between archived books (default 60)"
    )
    archive.add_argument(
        "--seed",
        type=int,
        default=0,
        help="simulator seed; the same seed gives the same archives (default 0)",
    )
    truth = sim_sub.add_parser(
        "truth",
        help="print the simulator's ground truth as JSON: the venues' lag, basis and funding spread, and "
        "each wallet's planted kind and account size",
    )
    truth.add_argument("--seed", type=int, default=0, help="simulator seed (default 0)")
    truth.add_argument(
        "--integrity-rate",
        type=float,
        default=0.0,
        help="the manipulation rate the simulator was served with (default 0: the null, nothing planted)",
    )
    truth.add_argument(
        "--start", help="first day of the planted episodes listed, YYYY-MM-DD (default: 6 days ago)"
    )
    truth.add_argument("--end", help="last day, YYYY-MM-DD (default: today)")
    truth.add_argument("--out", type=Path, help="write the JSON to this file instead of printing it")

    demo = sub.add_parser("demo", help="run the whole pipeline against the simulator and summarise")
    demo.add_argument("--days", type=int, default=4, help="days to ingest, today included (default 4)")
    demo.add_argument("--seed", type=int, default=42, help="simulator seed (default 42)")
    demo.add_argument(
        "--targets",
        default="BTC_5m,ETH_5m,SOL_5m",
        help="model targets to train (default BTC_5m,ETH_5m,SOL_5m)",
    )
    demo.add_argument(
        "--signal-strength",
        type=float,
        default=None,
        help="strength of the simulator's planted signal; 0 is the true null, where the gate must promote"
        " nothing (default: the demo's planted strength)",
    )
    demo.add_argument("--verbose", action="store_true", help="every run's progress and check verdicts")

    dev = sub.add_parser("dev", help="the Dagster UI on 127.0.0.1 with a simulator beside it")
    dev.add_argument("--port", type=int, default=3000, help="port of the Dagster UI (default 3000)")
    dev.add_argument(
        "--seed",
        type=int,
        default=42,
        help="seed of the simulator started beside the UI when HL_API_URL is unset (default 42, the demo's)",
    )
    dev.add_argument("--verbose", action="store_true", help="the webserver's and daemon's info logs")

    collect = sub.add_parser(
        "collect", help="stream trades and books into the landing zone until SIGTERM/SIGINT"
    )
    collect.add_argument(
        "--coins",
        help="comma-separated perps and spot pairs, e.g. BTC,PURR/USDC,@107"
        " (default: HL_COINS and HL_SPOT_COINS)",
    )
    collect.add_argument("--landing", help="landing directory (default: HL_LANDING_ROOT or data/landing)")
    collect.add_argument(
        "--seconds", type=float, help="stop after this many seconds (default: run until signalled)"
    )
    collect.add_argument("--verbose", action="store_true", help="every collector event as a JSON line")
    collect.add_argument(
        "--shard", help="INDEX/COUNT: collect only this shard's slice of the coins, e.g. 0/2 (default: all)"
    )
    collect.add_argument("--metrics-port", type=int, help="serve Prometheus metrics on this port")
    collect.add_argument("--metrics-host", default="127.0.0.1", help="address of the metrics endpoint")

    exporter = sub.add_parser(
        "exporter", help="Prometheus metrics of the pipeline's runs, freshness and checks"
    )
    exporter.add_argument("--port", type=int, default=9108, help="port (default 9108)")
    exporter.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")

    models = sub.add_parser("models", help="the model registry (MLflow)")
    models_sub = models.add_subparsers(dest="action", required=True)
    models_sub.add_parser(
        "rollback", help="move NAME's champion alias back to its previous champion"
    ).add_argument("name", help="registered model, e.g. hl_BTC_15m")

    stack = sub.add_parser(
        "stack", help="the production profile here: PostgreSQL, Redis, S3, Celery workers, the daemon"
    )
    stack.add_argument("action", choices=("up", "down", "status"))
    stack.add_argument("--root", default=".stack", help="folder of its data, logs and pids (default .stack)")

    backfill = sub.add_parser("backfill", help="ingest a range of days in one run")
    backfill.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    backfill.add_argument("--end", required=True, help="last day, YYYY-MM-DD (inclusive)")
    backfill.add_argument("--coins", help="comma-separated coins (default: HL_COINS)")
    backfill.add_argument(
        "--intervals", help="comma-separated native candle intervals (default: HL_NATIVE_INTERVALS)"
    )
    backfill.add_argument("--verbose", action="store_true", help="per-coin progress and check verdicts")
    return parser


def main(argv: list[str] | None = None) -> int:
    from hl_pipeline.errors import PreconditionError
    from hl_pipeline.exchange.errors import ExchangeError
    from hl_pipeline.settings import Settings

    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()  # the one parse of the environment; a bad value stops here
        if args.command in ("backfill", "demo"):  # they write the lake: refuse an unwritable one first
            from pathlib import Path

            from hl_pipeline.lake.paths import check_writable
            from hl_pipeline.lake.storage import lake_location

            check_writable(lake_location(settings.lake_root), "HL_LAKE_ROOT")
            check_writable(Path(settings.warehouse).parent, "HL_WAREHOUSE", settings.warehouse)
            if args.command == "demo":  # it collects a few seconds of the live feed
                check_writable(Path(settings.landing_root), "HL_LANDING_ROOT")
        if args.command == "simulator" and args.action == "archive":
            from hl_pipeline.commands.archive import archive

            return archive(settings, args.out, args.start, args.end, args.coins, args.book_every, args.seed)
        if args.command == "simulator" and args.action == "truth":
            import json

            from hl_pipeline.simulator.config import SimulatorConfig
            from hl_pipeline.simulator.manipulation import truth_window
            from hl_pipeline.simulator.venues import truth
            from hl_pipeline.simulator.wallets import truth as wallet_truth

            config = SimulatorConfig(seed=args.seed, integrity_rate=args.integrity_rate)
            text = json.dumps(
                {
                    "venues": truth(config),
                    "wallets": wallet_truth(config.seed, config.wallet_count),
                    "integrity": truth_window(config, args.start, args.end),
                },
                indent=2,
            )
            if args.out is None:
                print(text)
            else:
                args.out.write_text(text + "\n")
            return 0
        if args.command == "simulator":
            from hl_pipeline.simulator import cli as simulator_cli

            return simulator_cli.run(args)
        if args.command == "demo":
            from hl_pipeline.commands.demo import demo

            return demo(
                settings,
                days=args.days,
                seed=args.seed,
                targets=args.targets,
                signal_strength=args.signal_strength,
                verbose=args.verbose,
            )
        if args.command == "dev":
            from hl_pipeline.commands.dev import dev

            return dev(port=args.port, seed=args.seed, verbose=args.verbose)
        if args.command == "collect":
            from hl_pipeline.commands.collect import collect

            return collect(
                settings,
                args.coins,
                args.landing,
                args.seconds,
                verbose=args.verbose,
                shard=args.shard,
                metrics_port=args.metrics_port,
                metrics_host=args.metrics_host,
            )
        if args.command == "exporter":
            from hl_pipeline.commands.exporter import exporter

            return exporter(settings, args.port, args.host)
        if args.command == "stack":
            from hl_pipeline.commands.stack import stack

            return stack(args.action, args.root)
        if args.command == "models":
            from hl_pipeline.commands.models import rollback

            return rollback(settings, args.name)
        from hl_pipeline.commands.backfill import backfill

        return backfill(settings, args.start, args.end, args.coins, args.intervals, verbose=args.verbose)
    except ValueError as exc:  # bad input: say what was wrong, change nothing
        print(f"hl-pipeline: error: {exc}", file=sys.stderr)
        return 2
    except PreconditionError as exc:  # something to run first
        print(f"hl-pipeline: error: {exc}", file=sys.stderr)
        return 1
    except ExchangeError as exc:  # the exchange failed us after retries
        print(f"hl-pipeline: exchange error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

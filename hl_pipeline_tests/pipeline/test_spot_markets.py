"""Spot pairs beside the perps, for real: the market and order-flow jobs and the warehouse against a
wall-clock simulator, yesterday from the (perp-only) archives, today from a short collector run."""

import asyncio
import datetime as dt
import shutil

import dagster as dg
import duckdb
import pyarrow.compute as pc
import pytest

from hl_pipeline.collector.session import Collector, CollectorConfig
from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.simulator.archives import write_archives
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline.steps.data_checks import candle_outcomes
from hl_pipeline_tests.lake.helpers import manifest_of, partition_of
from hl_pipeline_tests.pipeline.conftest import run_range

PERPS, SPOT = ["BTC"], ["PURR/USDC", "@1"]
KEYS = {"BTC": "BTC", "PURR/USDC": "PURR-USDC", "@1": "spot-1"}
CHECKED = ("candles", "trades", "book_snapshots", "asset_contexts")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("spot")
    config = SimulatorConfig(seed=5, rate_limit=False)
    today = dt.datetime.now(dt.UTC).date()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    write_archives(
        config, root / "archive", [yesterday], PERPS, book_every_ms=300_000, progress=lambda _: None
    )
    with running_simulator(config, host="127.0.0.1", port=0) as sim:
        client = InfoClient(sim.base_url, rate_limit=False)
        collector = Collector(
            CollectorConfig(
                api_url=sim.base_url,
                coins=PERPS + SPOT,
                landing=root / "landing",
                flush_seconds=0.2,
                rotate_seconds=1.0,
            ),
            book_snapshot=client.l2_book,
        )

        async def collect():
            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(3.0, stop.set)
            await collector.run(stop)

        asyncio.run(collect())
        env = {
            "HL_API_URL": sim.base_url,
            "HL_LAKE_ROOT": str(root / "lake"),
            "HL_WAREHOUSE": str(root / "wh.duckdb"),
            "HL_COINS": ",".join(PERPS),
            "HL_SPOT_COINS": ",".join(SPOT),
            "HL_LANDING_ROOT": str(root / "landing"),
            "HL_BOOK_ARCHIVE": str(root / "archive" / "hyperliquid-archive"),
            "HL_FILLS_ARCHIVE": str(root / "archive" / "hl-mainnet-node-data"),
        }
        with pytest.MonkeyPatch.context() as mp:
            mp.delenv("HL_AS_OF", raising=False)
            for k, v in env.items():
                mp.setenv(k, v)
            defs = load_definitions()
            with dg.instance_for_test() as instance:
                days = (yesterday, today.isoformat())
                market = run_range(defs.resolve_job_def("market_job"), instance, *days)
                flow = run_range(defs.resolve_job_def("order_flow_job"), instance, *days)
                warehouse = defs.resolve_job_def("warehouse_job").execute_in_process(instance=instance)
                yield {
                    "lake": root / "lake",
                    "warehouse": root / "wh.duckdb",
                    "yesterday": yesterday,
                    "today": today.isoformat(),
                    "runs": (market, flow, warehouse),
                    "defs": defs,
                    "instance": instance,
                    "client": client,
                }


def test_spot_candles_are_filed_under_path_safe_keys_and_equal_the_exchanges(world):
    assert all(run.success for run in world["runs"])
    lake, day = world["lake"], world["yesterday"]
    assert not [p for p in lake.rglob("*") if "@" in p.name or "%" in p.name]
    start = day_start_ms(day)
    for name in SPOT:
        stored = partition_of(lake, "candles", day, KEYS[name])
        one_minute = stored.filter(
            pc.and_(pc.equal(stored["interval"], "1m"), pc.equal(stored["source"], "api"))
        )
        served = world["client"].candles(name, "1m", start, start + 86_400_000 - 1)
        assert one_minute.num_rows == served.num_rows == 1440
        assert one_minute["close"].to_pylist() == served["close"].to_pylist()
        assert set(stored["coin"].to_pylist()) == {KEYS[name]}
        assert manifest_of(lake, "candles", day, KEYS[name]).gaps == []
    btc = partition_of(lake, "candles", day, "BTC")["close"].to_pylist()
    assert btc != partition_of(lake, "candles", day, "PURR-USDC")["close"].to_pylist()


def _evaluations(world):
    return {
        (e.asset_key.to_user_string(), e.check_name, e.partition): e
        for run in world["runs"][:2]
        for e in run.get_asset_check_evaluations()
    }


def test_the_checks_cover_the_spot_pairs(world):
    evaluations, lake, day = _evaluations(world), world["lake"], world["yesterday"]
    blocking = [e for (asset, *_), e in evaluations.items() if asset in CHECKED and e.blocking]
    assert blocking and all(e.passed for e in blocking), [e.check_name for e in blocking if not e.passed]
    complete = evaluations[("candles", "candles_complete", day)]
    expected = sum(
        span["expected_bars"]
        for key in KEYS.values()
        for span in manifest_of(lake, "candles", day, key).coverage.values()
    )
    assert complete.metadata["expected_bars"].value == expected  # spot bars counted beside BTC's
    trades = evaluations[("trades", "trades_complete", day)].metadata["minutes_by_coin"].value
    assert set(trades) == {"PURR-USDC", "spot-1"}  # the archive holds perps only: spot days are gaps
    inside = evaluations[("trades", "trades_inside_candle_range", world["today"])]
    assert inside.passed, inside.description  # spot trades against spot candles, not a perp's


def test_spot_trades_and_books_come_from_the_collector(world):
    lake, day, today = world["lake"], world["yesterday"], world["today"]
    for name in SPOT:
        past = manifest_of(lake, "trades", day, KEYS[name])
        assert past.rows == 0 and "perps only" in past.unavailable[0]["reason"]
        now = manifest_of(lake, "trades", today, KEYS[name])
        assert now.source.startswith("landing") and now.rows > 0
        books = partition_of(lake, "book_snapshots", today, KEYS[name])
        assert books.num_rows >= 2 and set(books["coin"].to_pylist()) == {KEYS[name]}
    assert manifest_of(lake, "trades", day, "BTC").rows > 1000  # the perp still from the archive


def test_spot_contexts_gather_a_snapshot_per_run_and_keep_past_days(world):
    lake, today = world["lake"], world["today"]
    before = partition_of(lake, "asset_contexts", today, "spot-1")
    assert before.num_rows >= 1 and before["open_interest"].null_count == before.num_rows
    assert pc.min(before["mark_px"]).as_py() > 0 and set(before["source"].to_pylist()) == {"snapshot"}
    past = manifest_of(lake, "asset_contexts", world["yesterday"], "spot-1")
    again = run_range(
        world["defs"].resolve_job_def("order_flow_job"), world["instance"], world["yesterday"], today
    )
    assert again.success
    assert partition_of(lake, "asset_contexts", today, "spot-1").num_rows == before.num_rows + 1
    assert manifest_of(lake, "asset_contexts", world["yesterday"], "spot-1").content_hash == past.content_hash


def test_one_warehouse_query_covers_perp_and_spot(world):
    with duckdb.connect(str(world["warehouse"]), read_only=True) as conn:
        candles = conn.execute(
            "SELECT market, exchange_coin, coin, count(*) FROM candles WHERE interval = '1m'"
            f" AND source = 'api' AND date = '{world['yesterday']}' GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
        assert candles == [
            ("perp", "BTC", "BTC", 1440),
            ("spot", "@1", "spot-1", 1440),
            ("spot", "PURR/USDC", "PURR-USDC", 1440),
        ]
        for view in ("trades", "book_snapshots", "asset_contexts"):
            markets = conn.execute(f"SELECT DISTINCT market FROM {view} ORDER BY 1").fetchall()
            assert markets == [("perp",), ("spot",)], view
        spot_gaps = conn.execute(
            f"SELECT DISTINCT coin FROM gaps WHERE market = 'spot' AND dataset = 'trades'"
            f" AND date = '{world['yesterday']}' ORDER BY 1"
        ).fetchall()
        assert spot_gaps == [("PURR-USDC",), ("spot-1",)]


def test_a_broken_spot_candle_fails_the_blocking_check(world, tmp_path):
    day, key = world["yesterday"], "PURR-USDC"
    src = world["lake"] / "candles" / f"coin={key}"
    shutil.copytree(src, tmp_path / "candles" / f"coin={key}")
    valid = [o for o in candle_outcomes(tmp_path, [day], [key]) if o.check == "candles_valid_values"]
    assert valid and all(o.passed for o in valid)
    table = partition_of(tmp_path, "candles", day, key)
    high = table["high"].to_pylist()
    high[100] = table["low"][100].as_py() / 2  # a high below its low
    write_partition(
        tmp_path,
        table.set_column(table.schema.get_field_index("high"), "high", [high]),
        manifest_of(tmp_path, "candles", day, key),
    )
    (broken,) = [o for o in candle_outcomes(tmp_path, [day], [key]) if o.check == "candles_valid_values"]
    assert not broken.passed


def test_an_unlisted_spot_pair_fails_the_run_before_any_write(pipeline_env, instance, monkeypatch):
    monkeypatch.setenv("HL_SPOT_COINS", "PURR/USDC,@999")
    job = load_definitions().resolve_job_def("market_job")
    result = job.execute_in_process(instance=instance, partition_key="2024-02-29", raise_on_error=False)
    assert not result.success
    errors = [error for e in result.all_events if (error := getattr(e.event_specific_data, "error", None))]
    assert errors and "@999" in errors[0].to_string()
    assert not pipeline_env.exists() or not any(pipeline_env.rglob("*.parquet"))

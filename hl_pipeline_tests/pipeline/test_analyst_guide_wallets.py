"""The analyst guide's wallet queries, copied out of docs/analyst-guide.md and run as written against the
catalog a real two-day run publishes (market, order flow and wallets jobs on the simulator), so the
guide cannot drift from the views: the whale leaderboard, the market-maker share by coin and one
wallet's PnL split, each checked against the lake it reads."""

from pathlib import Path

import duckdb
import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.lake.reader import read_range
from hl_pipeline.simulator.archives import write_archives
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.warehouse.catalog import publish_catalog
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.pipeline.conftest import COINS, run_range

YESTERDAY, TODAY = "2024-02-29", "2024-03-01"
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "analyst-guide.md"


def guide_query(title: str) -> str:
    """The statement under the guide's SQL comment starting with `title` (through the semicolon that
    ends a line: a comment may hold one)."""
    text = GUIDE.read_text()
    start = text.index(f"-- {title}")
    return text[start : text.index(";\n", start) + 1]


@pytest.fixture
def sim_config():
    return SimulatorConfig(seed=7, now_ms=TEST_NOW_MS, rate_limit=False)


@pytest.fixture
def catalog(pipeline_env, sim_config, instance, tmp_path, monkeypatch):
    """A planted whale and a market maker configured (the cap adds the day's busiest wallet), both days
    run, the catalog published; returns (lake, the connection, the configured wallets)."""
    archive = tmp_path / "archive"
    write_archives(
        sim_config, archive, [YESTERDAY], COINS.split(","), book_every_ms=600_000, progress=lambda _: None
    )
    population = Market(sim_config).wallets
    whale = max(population.of_kind("whale"), key=lambda i: population.account_usd[i])
    configured = (population.addresses[whale], population.addresses[population.of_kind("market_maker")[0]])
    monkeypatch.setenv("HL_BOOK_ARCHIVE", str(archive / "hyperliquid-archive"))
    monkeypatch.setenv("HL_FILLS_ARCHIVE", str(archive / "hl-mainnet-node-data"))
    monkeypatch.setenv("HL_WALLETS", ",".join(configured))
    monkeypatch.setenv("HL_WALLET_CAP", "3")
    monkeypatch.setenv("HL_RATE_LIMIT", "0")
    defs = load_definitions()
    for job in ("market_job", "order_flow_job", "wallets_job"):
        assert run_range(defs.resolve_job_def(job), instance, YESTERDAY, TODAY).success, job
    database = tmp_path / "warehouse.duckdb"
    publish_catalog(database, pipeline_env)
    with duckdb.connect(str(database), read_only=True) as conn:
        yield pipeline_env, conn, configured


def test_the_guide_s_wallet_queries_run_on_a_real_catalog(catalog):
    lake, conn, (whale, maker) = catalog
    profiles = read_range(lake, "wallet_profiles", [TODAY], with_date=True).to_pandas().set_index("user")
    assert profiles.loc[whale, "kind"] == "whale" and profiles.loc[maker, "kind"] == "market_maker"

    largest = conn.execute(guide_query("The largest tracked wallets")).df()
    assert {whale, maker} <= set(largest["user"]) and len(largest) == 3  # the cap: configured two + one

    board = conn.execute(guide_query("Whale leaderboard")).df()
    assert whale in set(board["user"]) and set(board["user"]) <= set(
        profiles.index[profiles["kind"] == "whale"]
    )
    pnl = read_range(lake, "wallet_pnl", [YESTERDAY, TODAY], COINS.split(",")).to_pandas()
    row = board.set_index("user").loc[whale]
    assert row["equity_usd"] == round(profiles.loc[whale, "equity_usd"])
    assert row["net_realised"] == pytest.approx(pnl.loc[pnl["user"] == whale, "net_realised"].sum(), abs=0.01)

    shares = conn.execute(guide_query("Market-maker share by coin")).df().set_index("coin")["mm_share"]
    fills = read_range(lake, "wallet_fills", [YESTERDAY, TODAY], COINS.split(","), with_date=True).to_pandas()
    kinds = read_range(lake, "wallet_profiles", [YESTERDAY, TODAY], with_date=True).to_pandas()
    joined = fills.merge(kinds[["user", "date", "kind"]], on=["user", "date"])
    notional = joined["px"] * joined["sz"]
    expected = (
        notional[joined["kind"] == "market_maker"].groupby(joined["coin"]).sum()
        / notional.groupby(joined["coin"]).sum()
    )
    assert sorted(shares.index) == sorted(COINS.split(","))
    for coin, share in shares.items():
        assert 0 < share < 1 and share == pytest.approx(expected[coin], abs=0.0005)

    split = conn.execute(guide_query("One wallet's PnL split per day").replace("0x...", whale)).df()
    assert [str(d)[:10] for d in split["date"]] == [YESTERDAY, TODAY]
    mine = pnl[pnl["user"] == whale]
    assert split["fees"].sum() == pytest.approx(mine["fees"].sum(), abs=0.02)
    assert split["realised"].sum() == pytest.approx(mine["realised"].sum(), abs=0.02)
    assert (split["fees"] != 0).all()

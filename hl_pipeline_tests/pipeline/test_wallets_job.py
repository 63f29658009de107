"""The wallet assets for real: yesterday's trades from the simulated node-fills archive pick the
tracked wallets, their fills come from userFillsByTime, and today's rebuilt positions equal the
simulator's clearinghouseState."""

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.settings import Settings
from hl_pipeline.simulator.archives import write_archives
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.steps.wallet_checks import reconciliation_outcomes
from hl_pipeline.steps.wallet_pnl_checks import pnl_outcomes
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.lake.helpers import manifest_of, partition_of
from hl_pipeline_tests.pipeline.conftest import COINS, run_range

YESTERDAY, TODAY = "2024-02-29", "2024-03-01"


@pytest.fixture
def sim_config():
    """Limits lifted on both sides: paging every fill of six busy wallets through the real weight
    budget takes minutes (the budget is what the wallet cap is for), not what is tested here."""
    return SimulatorConfig(seed=7, now_ms=TEST_NOW_MS, rate_limit=False)


@pytest.fixture
def wallet_runs(pipeline_env, sim_config, instance, tmp_path, monkeypatch):
    archive = tmp_path / "archive"
    write_archives(
        sim_config, archive, [YESTERDAY], COINS.split(","), book_every_ms=600_000, progress=lambda _: None
    )
    configured = Market(sim_config).wallets.addresses[:2]  # two market makers
    monkeypatch.setenv("HL_BOOK_ARCHIVE", str(archive / "hyperliquid-archive"))
    monkeypatch.setenv("HL_FILLS_ARCHIVE", str(archive / "hl-mainnet-node-data"))
    monkeypatch.setenv("HL_WALLETS", ",".join(configured))
    monkeypatch.setenv("HL_WALLET_CAP", "6")
    monkeypatch.setenv("HL_RATE_LIMIT", "0")
    defs = load_definitions()
    for job in ("market_job", "order_flow_job"):
        assert run_range(defs.resolve_job_def(job), instance, YESTERDAY, TODAY).success
    return (
        pipeline_env,
        configured,
        run_range(defs.resolve_job_def("wallets_job"), instance, YESTERDAY, TODAY),
    )


def test_tracked_wallets_fills_and_positions_are_written_and_reconciled(wallet_runs, simulator):
    lake, configured, run = wallet_runs
    assert run.success
    tracked = partition_of(lake, "wallets", YESTERDAY).to_pylist()
    assert len(tracked) == 6 and [w["user"] for w in tracked[:2]] == list(configured)
    assert {w["reason"] for w in tracked} == {"configured", "top volume", "top maker share"}
    users = {w["user"] for w in tracked}
    fills = partition_of(lake, "wallet_fills", YESTERDAY, "BTC")
    assert fills.num_rows > 100 and set(fills.column("user").to_pylist()) <= users
    client = InfoClient(simulator.base_url)
    served = {
        (f.time, f.tid)
        for f in client.user_fills_by_time(tracked[0]["user"], 1_709_164_800_000, 1_709_251_199_999)
        if f.coin == "BTC"
    }
    mine = fills.filter(pc.equal(fills.column("user"), tracked[0]["user"]))
    assert {
        (int(t.timestamp() * 1000), tid)
        for t, tid in zip(*(mine.column(c).to_pylist() for c in ("time", "tid")))
    } == served
    verdicts = {(e.check_name, e.partition): e for e in run.get_asset_check_evaluations()}
    today = verdicts[("wallet_positions_match_clearinghouse", TODAY)]
    assert today.passed and today.metadata["checked"].value >= 2 * 2  # the configured two x both coins
    assert verdicts[("wallet_positions_match_clearinghouse", YESTERDAY)].passed  # not checkable, said so
    positions = partition_of(lake, "wallet_positions", TODAY, "ETH").to_pylist()
    assert (
        positions
        and sum(p["fills"] for p in positions) == partition_of(lake, "wallet_fills", TODAY, "ETH").num_rows
    )


def test_funding_and_pnl_are_written_and_their_identities_hold(wallet_runs, simulator):
    lake, configured, run = wallet_runs
    client = InfoClient(simulator.base_url)
    funding = partition_of(lake, "wallet_funding", YESTERDAY, "ETH")
    mine = funding.filter(pc.equal(funding.column("user"), configured[0]))
    served = [
        (p.time, p.usdc, p.szi)
        for p in client.user_funding(configured[0], 1_709_164_800_000, 1_709_251_199_999)
        if p.coin == "ETH"
    ]
    assert len(served) == 24 and sorted(
        (int(t.timestamp() * 1000), u, z)
        for t, u, z in zip(*(mine.column(c).to_pylist() for c in ("time", "usdc", "szi")))
    ) == sorted(served)
    pnl = partition_of(lake, "wallet_pnl", YESTERDAY, "ETH").to_pylist()
    fills = partition_of(lake, "wallet_fills", YESTERDAY, "ETH").to_pylist()
    row = next(r for r in pnl if r["user"] == configured[0])
    assert row["realised"] == pytest.approx(sum(f["closed_pnl"] for f in fills if f["user"] == configured[0]))
    assert row["funding"] == pytest.approx(sum(u for _, u, _ in served))
    assert row["fees"] == pytest.approx(sum(f["fee"] for f in fills if f["user"] == configured[0]))
    assert any(r["realised_in_view"] != 0 for r in pnl)  # the identity had closing fills to test
    verdicts = {(e.check_name, e.partition): e for e in run.get_asset_check_evaluations()}
    for check in (
        "wallet_pnl_realised_matches_entry",
        "wallet_pnl_funding_on_rebuilt_positions",
        "wallet_pnl_net_adds_up",
    ):
        assert verdicts[(check, YESTERDAY)].passed and verdicts[(check, TODAY)].passed
        assert verdicts[(check, YESTERDAY)].metadata["checked"].value > 0


def test_profiles_label_every_tracked_wallet_with_its_reason(wallet_runs):
    lake, configured, _ = wallet_runs
    tracked = [w["user"] for w in partition_of(lake, "wallets", TODAY).to_pylist()]
    profiles = {p["user"]: p for p in partition_of(lake, "wallet_profiles", TODAY).to_pylist()}
    assert set(profiles) == set(tracked)
    for user in configured:  # seed 7's first two wallets are planted market makers (seed 101 tuned the rules)
        assert profiles[user]["kind"] == "market_maker" and "maker share" in profiles[user]["reason"]
        assert profiles[user]["days"] == 2 and profiles[user]["cohort"] in ("Tidal Whale", "Leviathan")
        assert profiles[user]["markout_1m_bps"] is not None
    unavailable = manifest_of(lake, "wallet_profiles", TODAY).unavailable
    assert unavailable and len(unavailable[0]["dates"]) == 5  # the window's five days before the lake begins


def test_a_wrong_closed_pnl_fails_the_realised_identity_naming_it(wallet_runs):
    lake = wallet_runs[0]
    part = partition_of(lake, "wallet_pnl", YESTERDAY, "BTC")
    rows = part.to_pylist()
    row = next(i for i, r in enumerate(rows) if r["realised_in_view"] != 0)
    rows[row]["realised_in_view"] += 5.0
    bad = pa.Table.from_pylist(rows, schema=part.schema)
    old = manifest_of(lake, "wallet_pnl", YESTERDAY, "BTC")
    write_partition(
        lake, bad, Manifest.for_table("wallet_pnl", YESTERDAY, "BTC", bad, old.source, details=old.details)
    )
    realised, funding, net = pnl_outcomes(lake, [YESTERDAY], COINS.split(","))
    assert not realised.passed and realised.description.startswith("1 of ")
    assert f"{rows[row]['user']} BTC" in realised.description
    assert funding.passed and net.passed


def test_a_wrong_rebuilt_position_fails_the_reconciliation_naming_it(wallet_runs, simulator):
    lake, configured, _ = wallet_runs
    part = partition_of(lake, "wallet_positions", TODAY, "BTC")
    users, sizes = part.column("user").to_pylist(), part.column("size").to_pylist()
    row = next(i for i, u in enumerate(users) if u in configured)  # today's tracked: the configured
    changed = users[row]
    sizes[row] += 0.5
    bad = part.set_column(part.schema.get_field_index("size"), "size", [sizes])
    old = manifest_of(lake, "wallet_positions", TODAY, "BTC")
    write_partition(
        lake, bad, Manifest.for_table("wallet_positions", TODAY, "BTC", bad, old.source, details=old.details)
    )
    now = Settings.from_env().now_ms()
    (outcome,) = reconciliation_outcomes(InfoClient(simulator.base_url), lake, [TODAY], COINS.split(","), now)
    assert not outcome.passed and outcome.description.startswith("1 of ")
    assert f"{changed} BTC" in outcome.description and "differ by -0.5" in outcome.description


def test_an_unknown_configured_wallet_stops_the_run_naming_it_and_writes_nothing(
    pipeline_env, instance, monkeypatch
):
    unknown = "0x" + "ab" * 20
    known = Market(SimulatorConfig(seed=7, now_ms=TEST_NOW_MS)).wallets.addresses[0]
    monkeypatch.setenv("HL_WALLETS", f"{known},{unknown}")
    run = run_range(load_definitions().resolve_job_def("wallets_job"), instance, TODAY, TODAY)
    assert not run.success
    (failure,) = [e for e in run.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.cause.message  # type: ignore[union-attr]
    assert unknown in message and known not in message and "ConfigError" in message
    assert not (pipeline_env / "wallets").exists() and not (pipeline_env / "wallet_fills").exists()


def test_a_malformed_configured_wallet_is_refused_naming_it(monkeypatch):
    from hl_pipeline.errors import ConfigError

    monkeypatch.setenv("HL_WALLETS", "0x" + "ab" * 20 + ",0xnothex")
    with pytest.raises(ConfigError, match="malformed wallet '0xnothex' in HL_WALLETS"):
        Settings.from_env()


def test_wallet_features_and_plots_from_the_wallets_job_lake(wallet_runs, instance):
    """The features of both days from the lake the wallets job wrote: today's kinds are yesterday's
    profile's (yesterday has none before it: flagged missing), and the market makers' inventory at
    today's last closed bar is the sum of their positions rebuilt (and reconciled) by wallet_positions.
    Each profile day carries its whale-flow and PnL plots (one test: the wallet runs take minutes)."""
    import dagster as dg

    from hl_pipeline.steps.features import build_features

    lake = wallet_runs[0]
    now = Settings.from_env().now_ms()
    manifests = {(m.date, m.coin): m for m in build_features(lake, [YESTERDAY, TODAY], COINS.split(","), now)}
    mine = manifests[(TODAY, "ETH")]
    assert mine.inputs["wallet_profiles"] == {
        f"all/{d}": manifest_of(lake, "wallet_profiles", d).content_hash for d in (YESTERDAY, TODAY)
    }
    assert set(mine.inputs["wallet_fills"]) == {f"ETH/{YESTERDAY}", f"ETH/{TODAY}"}
    assert mine.details["rows_with_missing_input"]["wallet_classes_missing"] == 0
    flags = manifests[(YESTERDAY, "ETH")].details["rows_with_missing_input"]
    assert flags["wallet_classes_missing"] == manifests[(YESTERDAY, "ETH")].rows
    features = partition_of(lake, "features", TODAY, "ETH").to_pandas()
    last = features.iloc[-1]
    assert int(last["time"].timestamp() * 1000) + 60_000 == now
    kinds = partition_of(lake, "wallet_profiles", YESTERDAY).to_pandas().set_index("user")["kind"]
    makers = set(kinds[kinds == "market_maker"].index)
    fills = pa.concat_tables(
        partition_of(lake, "wallet_fills", d, "ETH") for d in (YESTERDAY, TODAY)
    ).to_pandas()
    last_fill = (fills.groupby("user")["time"].max() - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(1, "ms")
    positions = {
        **partition_of(lake, "wallet_positions", YESTERDAY, "ETH").to_pandas().set_index("user")["size"],
        **partition_of(lake, "wallet_positions", TODAY, "ETH").to_pandas().set_index("user")["size"],
    }
    counted = [u for u in makers if u in last_fill and now - last_fill[u] <= 86_400_000]
    assert len(counted) >= 2  # the configured two at least
    assert last["mm_inventory"] == pytest.approx(sum(positions[u] for u in counted), abs=1e-9)
    assert features["whale_net_flow"].notna().all() and not features["wallet_fills_missing"].any()
    for day in (YESTERDAY, TODAY):
        (record,) = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("wallet_profiles"), asset_partitions=[day]), limit=1
        ).records
        metadata = record.asset_materialization.metadata
        assert {"whale_flow_BTC", "whale_flow_ETH"} <= set(metadata)
        assert metadata["whale_flow_BTC"].value.startswith("![whale_flow_BTC](data:image/png;base64,")
        profiles = partition_of(lake, "wallet_profiles", day).to_pandas()
        largest = profiles.sort_values("volume_usd", ascending=False)["user"].head(3).tolist()
        assert len(largest) == (2 if day == TODAY else 3)  # today only the configured two are tracked
        assert sorted(name for name in metadata if name.startswith("pnl_")) == sorted(
            f"pnl_{u}" for u in largest
        )
        reports = lake.parent / "reports" / "wallets"
        assert (reports / f"whale-flow-ETH-{day}.png").read_bytes()[:4] == b"\x89PNG"
        assert (reports / f"pnl-{largest[0]}-{day}.png").stat().st_size > 5_000

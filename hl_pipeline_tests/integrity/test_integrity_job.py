"""integrity_job for real: yesterday's trades and books come from the simulated archives of a
simulator planting manipulation; the wash rings and spikes it planted are found with their
addresses, the warn checks fail without failing the run, and the anomalies view lists them."""

import re

import duckdb
import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.simulator import manipulation
from hl_pipeline.simulator.archives import write_archives
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.warehouse.catalog import publish_catalog
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.integrity.frames import DAY
from hl_pipeline_tests.lake.helpers import partition_of
from hl_pipeline_tests.pipeline.conftest import COINS, run_range, webhook_server

YESTERDAY = "2024-02-29"


@pytest.fixture
def sim_config():
    return SimulatorConfig(seed=7, now_ms=TEST_NOW_MS, rate_limit=False, integrity_rate=1.0)


@pytest.fixture
def integrity_run(pipeline_env, sim_config, instance, tmp_path, monkeypatch):
    archive = tmp_path / "archive"
    write_archives(
        sim_config, archive, [YESTERDAY], COINS.split(","), book_every_ms=600_000, progress=lambda _: None
    )
    monkeypatch.setenv("HL_BOOK_ARCHIVE", str(archive / "hyperliquid-archive"))
    monkeypatch.setenv("HL_FILLS_ARCHIVE", str(archive / "hl-mainnet-node-data"))
    with webhook_server("/hook") as (url, received):
        monkeypatch.setenv("HL_ALERT_WEBHOOK_URL", f"{url}/hook")
        defs = load_definitions()
        for job in ("market_job", "order_flow_job"):
            assert run_range(defs.resolve_job_def(job), instance, YESTERDAY, YESTERDAY).success
        run = run_range(defs.resolve_job_def("integrity_job"), instance, YESTERDAY, YESTERDAY)
    return pipeline_env, run, received


def test_planted_wash_rings_and_spikes_are_found_and_warned_about(integrity_run, sim_config, tmp_path):
    lake, run, alerts = integrity_run
    assert run.success
    wal = Market(sim_config).wallets
    truth = manipulation.truth(
        sim_config.seed, ("BTC", "ETH"), 1.0, wal.addresses, wal.of_kind("retail"), DAY, DAY + 86_400_000
    )
    for coin in ("BTC", "ETH"):
        wash = partition_of(lake, "wash_trades", YESTERDAY, coin).to_pylist()
        for kind in ("wash", "linked_cluster"):
            rings = [sorted(e["addresses"]) for e in truth if e["coin"] == coin and e["type"] == kind]
            assert [e["addresses"] for e in wash if e["type"] == kind] == rings
        assert {e["type"] for e in wash} <= {"wash", "linked_cluster"}
        anomalies = partition_of(lake, "market_anomalies", YESTERDAY, coin).to_pylist()
        planted = {e["type"] for e in truth if e["coin"] == coin} - {"wash", "spoof", "linked_cluster"}
        spikes = {t for t in planted if t.endswith("spike")}
        assert spikes <= {e["type"] for e in anomalies} <= planted
        assert partition_of(lake, "spoofing", YESTERDAY, coin).num_rows >= 0  # books every 10 min: few seen
        stats = partition_of(lake, "venue_integrity", YESTERDAY, coin).to_pylist()
        assert stats[0]["trades"] > 1000 and 0 <= stats[0]["benford_p"] <= 1
    verdicts = {(e.check_name, e.partition): e for e in run.get_asset_check_evaluations()}
    warned = verdicts[("wash_trades_no_high_score_events", YESTERDAY)]
    assert not warned.passed and warned.severity.value == "WARN"
    assert warned.metadata["high_score"].value >= 2
    wash_alert = next(a["text"] for a in alerts if "wash_trades" in a["text"])
    linked = {a for e in truth if e["type"] in ("wash", "linked_cluster") for a in e["addresses"]}
    assert re.search(r"the strongest is a (wash|linked_cluster) in", wash_alert)
    assert any(a in wash_alert for a in linked)
    assert (lake.parent / "reports" / "integrity" / "wash_trades" / f"BTC-{YESTERDAY}.png").exists()
    (wash_mat,) = [
        m.materialization
        for m in run.get_asset_materialization_events()
        if m.asset_key.path == ["wash_trades"]
    ]
    assert {"events_BTC", "events_ETH"} <= set(wash_mat.metadata)
    database = tmp_path / "catalog.duckdb"
    publish_catalog(database, lake)
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(
            "SELECT type, coin, addresses FROM anomalies WHERE type = 'wash' ORDER BY coin"
        ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("wash", "BTC"), ("wash", "ETH")]

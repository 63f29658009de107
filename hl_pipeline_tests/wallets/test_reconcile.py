"""Today's positions rebuilt and reconciled against a real simulator while the clock moves between
the steps: fills fetched first, positions rebuilt later, the check later still."""

import datetime as dt

import pyarrow as pa
import pytest

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.calendar import date_of_ms, iso_ms
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.schemas import WALLETS
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.wallets.ingest import ingest_wallet_fills, ingest_wallet_positions
from hl_pipeline.wallets.reconcile import reconcile
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.lake.helpers import manifest_of

COINS = ["BTC", "ETH"]
MINUTE = 60_000


@pytest.fixture
def sim_config():
    return SimulatorConfig(seed=7, now_ms=TEST_NOW_MS, rate_limit=False)


def test_positions_are_as_of_the_fills_fetched_so_the_fills_after_are_rolled_forward(
    simulator, sim_config, tmp_path
):
    date = date_of_ms(TEST_NOW_MS)
    makers = Market(sim_config).wallets.addresses[:3]  # busy: a fill every few seconds in both coins
    table = pa.Table.from_pylist(
        [
            {"user": u, "reason": "configured", "time": dt.datetime.fromtimestamp(TEST_NOW_MS / 1000, dt.UTC)}
            for u in makers
        ],
        schema=WALLETS,
    )
    write_partition(tmp_path, table, Manifest.for_table("wallets", date, None, table, "test"))
    client = InfoClient(simulator.base_url)
    fetched_at = TEST_NOW_MS - 40 * MINUTE
    ingest_wallet_fills(client, tmp_path, COINS, date, fetched_at, lambda _: None)
    ingest_wallet_positions(tmp_path, COINS, date, TEST_NOW_MS - 20 * MINUTE, lambda _: None)
    assert manifest_of(tmp_path, "wallet_positions", date, "BTC").details["as_of"] == iso_ms(fetched_at)
    done = reconcile(client, tmp_path, date, COINS, TEST_NOW_MS)
    assert done.checked == len(makers) * len(COINS) and done.mismatches == []

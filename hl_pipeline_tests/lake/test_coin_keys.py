"""Lake keys of coins: spot pairs filed under path-safe keys, the views giving market and name back."""

import duckdb
import pytest

from hl_pipeline.lake.coin_keys import EXCHANGE_COIN_SQL, MARKET_SQL, coin_key, is_spot_name
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.warehouse.catalog import refresh_catalog
from hl_pipeline_tests.lake.helpers import candles_1m

NAMES = {  # exchange name -> market
    "BTC": "perp",
    "kPEPE": "perp",
    "xyz:XYZ100": "perp",
    "PURR/USDC": "spot",
    "@1": "spot",
    "@107": "spot",
    "@10": "spot",
}


@pytest.mark.parametrize("name", NAMES)
def test_every_key_is_path_safe_and_gives_its_market_and_name_back(name):
    key = coin_key(name)
    assert "/" not in key and "@" not in key and "=" not in key
    assert is_spot_name(name) == (NAMES[name] == "spot")
    got = duckdb.sql(f"SELECT {MARKET_SQL}, {EXCHANGE_COIN_SQL} FROM (SELECT '{key}' AS coin)").fetchone()
    assert got == (NAMES[name], name)


def test_keys_are_distinct_and_a_perp_keeps_its_name():
    keys = [coin_key(n) for n in NAMES]
    assert len(set(keys)) == len(keys)
    assert (
        coin_key("PURR/USDC") == "PURR-USDC" and coin_key("@107") == "spot-107" and coin_key("BTC") == "BTC"
    )


@pytest.mark.parametrize("name", ["PURR/", "@", "@x1", "A/B/C", "BTC"])
def test_what_is_not_a_spot_name(name):
    assert not is_spot_name(name)


def test_one_query_over_candles_covers_perp_and_spot(tmp_path):
    gap = {"interval": "1m", "source": "api", "start": "2024-01-01T00:07:00Z", "end": "2024-01-01T00:08:00Z"}
    for name, rows in (("BTC", 10), ("PURR/USDC", 7), ("@1", 5)):
        key = coin_key(name)
        table = candles_1m(rows, coin=key)
        planted = [{**gap, "bars": 1}] if name == "PURR/USDC" else []
        manifest = Manifest.for_table("candles", "2024-01-01", key, table, "test", gaps=planted)
        write_partition(tmp_path, table, manifest)
    assert (tmp_path / "candles" / "coin=PURR-USDC" / "date=2024-01-01" / "part-0.parquet").exists()
    with duckdb.connect() as conn:
        refresh_catalog(conn, tmp_path)
        got = conn.execute(
            "SELECT market, exchange_coin, coin, count(*) FROM candles GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
        gaps = conn.execute("SELECT market, coin, bars FROM gaps").fetchall()
    assert gaps == [("spot", "PURR-USDC", 1)]
    assert got == [
        ("perp", "BTC", "BTC", 10),
        ("spot", "@1", "spot-1", 5),
        ("spot", "PURR/USDC", "PURR-USDC", 7),
    ]

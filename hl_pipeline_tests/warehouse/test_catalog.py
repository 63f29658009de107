"""The DuckDB catalog over a tiny lake: typed `manifests` columns, dataset and `gaps` views."""

import datetime as dt

import duckdb
import pytest

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.warehouse.catalog import refresh_catalog
from hl_pipeline_tests.lake.helpers import candles_1m

DATE = "2024-01-01"
INGESTED = "2024-01-02T03:04:05.678000+00:00"


@pytest.fixture
def conn(tmp_path):
    table = candles_1m(10, skip=(4,))
    gap = {"interval": "1m", "source": "api", "start": "2024-01-01T00:04:00Z", "end": "2024-01-01T00:05:00Z"}
    manifest = Manifest.for_table(
        "candles", DATE, "BTC", table, "test", ingest_time=INGESTED, gaps=[{**gap, "bars": 1}]
    )
    write_partition(tmp_path, table, manifest)
    empty = Manifest.for_table(
        "candles", DATE, "ETH", candles_1m(0, coin="ETH"), "test", ingest_time=INGESTED
    )
    write_partition(tmp_path, candles_1m(0, coin="ETH"), empty)
    with duckdb.connect() as c:
        assert refresh_catalog(c, tmp_path) == {"candles": 9, "manifests": 2, "gaps": 1}
        yield c


def _types(conn, view: str) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute(f"DESCRIBE {view}").fetchall()}


def test_manifest_times_are_timestamptz(conn):
    types = _types(conn, "manifests")
    assert {c: types[c] for c in ("ingest_time", "first_time", "last_time")} == {
        c: "TIMESTAMP WITH TIME ZONE" for c in ("ingest_time", "first_time", "last_time")
    }
    assert types["date"] == "DATE" and types["rows"] == "BIGINT"


def test_manifest_times_keep_their_instants(conn):
    conn.execute("SET TimeZone = 'UTC'")
    btc, eth = conn.execute(
        "SELECT coin, ingest_time, first_time, last_time FROM manifests ORDER BY coin"
    ).fetchall()
    utc = dt.UTC
    assert btc[1:] == (
        dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=utc),
        dt.datetime(2024, 1, 1, 0, 0, tzinfo=utc),
        dt.datetime(2024, 1, 1, 0, 9, tzinfo=utc),
    )
    assert eth[0] == "ETH" and eth[2] is None and eth[3] is None  # an empty partition has no span


def test_gaps_and_dataset_views_still_typed(conn):
    assert _types(conn, "gaps")["gap_start"] == "TIMESTAMP WITH TIME ZONE"
    assert _types(conn, "candles")["time"] == "TIMESTAMP WITH TIME ZONE"


def _lake(root):
    table = candles_1m(10)
    write_partition(root, table, Manifest.for_table("candles", DATE, "BTC", table, "test"))
    return root


def test_a_refresh_killed_midway_leaves_the_previous_catalog_whole(tmp_path, monkeypatch):
    from hl_pipeline.warehouse import catalog

    lake, database = _lake(tmp_path / "lake"), tmp_path / "warehouse.duckdb"
    assert catalog.publish_catalog(database, lake)["candles"] == 10
    (tmp_path / ".warehouse.duckdb.tmp-999999999-0f").write_bytes(b"left by a killed refresh")

    def dies_midway(conn, root, previous=None):
        conn.execute("CREATE VIEW half AS SELECT 1")
        raise KeyboardInterrupt  # as a kill would stop it

    monkeypatch.setattr(catalog, "refresh_catalog", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        catalog.publish_catalog(database, lake)
    with duckdb.connect(str(database), read_only=True) as c:
        views = {
            r[0] for r in c.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        }
        tables = {r[0] for r in c.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert {"candles", "gaps"} <= views and "manifests" in tables and "half" not in views
        assert c.execute("SELECT count(*) FROM candles").fetchone() == (10,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake", "warehouse.duckdb"]


def test_a_truncated_partition_is_quarantined_and_the_views_still_answer(tmp_path):
    lake, database = _lake(tmp_path / "lake"), tmp_path / "warehouse.duckdb"
    table = candles_1m(10, coin="ETH")
    write_partition(lake, table, Manifest.for_table("candles", DATE, "ETH", table, "test"))
    torn = lake / "candles" / "coin=ETH" / f"date={DATE}" / "part-0.parquet"
    torn.write_bytes(torn.read_bytes()[:100])
    created = catalog_counts(database, lake)
    assert created["candles"] == 10 and created["manifests"] == 1 and created["quarantine"] == 1
    with duckdb.connect(str(database), read_only=True) as c:
        assert c.execute("SELECT DISTINCT coin FROM candles").fetchall() == [("BTC",)]
        assert c.execute("SELECT path, bytes FROM quarantine").fetchall() == [
            (f"candles/coin=ETH/date={DATE}/part-0.parquet", 100)
        ]
    assert not torn.exists()


def catalog_counts(database, lake):
    from hl_pipeline.warehouse.catalog import publish_catalog

    return publish_catalog(database, lake)


def _write(root, coin, bars, day=DATE):
    table = candles_1m(bars, coin=coin)
    write_partition(root, table, Manifest.for_table("candles", day, coin, table, "test"))


def test_manifests_is_a_table_refreshed_from_the_changed_footers_only(tmp_path):
    from hl_pipeline.warehouse.manifest_table import refresh_manifests

    lake, database = tmp_path / "lake", tmp_path / "warehouse.duckdb"
    for coin in ("BTC", "ETH", "SOL"):
        _write(lake, coin, 10)
    catalog_counts(database, lake)
    with duckdb.connect(str(database), read_only=True) as c:
        kinds = dict(c.execute("SELECT table_name, 'table' FROM duckdb_tables()").fetchall())
        assert kinds.get("manifests") == "table"
    _write(lake, "ETH", 7)  # rewritten: same path, new file
    _write(lake, "BTC", 10, day="2024-01-02")  # new
    (lake / "candles" / "coin=SOL" / f"date={DATE}" / "part-0.parquet").unlink()  # gone
    with duckdb.connect() as c:
        assert refresh_manifests(c, lake, database) == {"kept": 1, "read": 2}
        rows = c.execute("SELECT coin, CAST(date AS VARCHAR), rows FROM manifests ORDER BY ALL").fetchall()
    assert rows == [("BTC", DATE, 10), ("BTC", "2024-01-02", 10), ("ETH", DATE, 7)]
    created = catalog_counts(database, lake)
    assert created["manifests"] == 3 and created["candles"] == 27


def test_a_catalog_whose_manifests_is_a_view_is_read_afresh(tmp_path):
    from hl_pipeline.warehouse.manifest_table import refresh_manifests

    lake, old = tmp_path / "lake", tmp_path / "old.duckdb"
    _write(lake, "BTC", 10)
    with duckdb.connect(str(old)) as c:
        c.execute("CREATE VIEW manifests AS SELECT 1 AS rows")
    with duckdb.connect() as c:
        assert refresh_manifests(c, lake, old) == {"kept": 0, "read": 1}
        assert c.execute("SELECT dataset, coin, rows FROM manifests").fetchall() == [("candles", "BTC", 10)]

"""The lake on object storage: a real S3-compatible server (moto) on loopback holds the same Hive layout
as a local folder. The market and ML data jobs write it through the same code and it equals the local
lake row for row; the catalog reads it through DuckDB; a corrupt object is quarantined; a write that
fails leaves the old object."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow.parquet as pq
import pytest
from upath import UPath

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.errors import ConfigError
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.paths import check_writable, partition_file
from hl_pipeline.lake.quarantine import records
from hl_pipeline.lake.reader import read_manifest, read_partition, read_range
from hl_pipeline.lake.storage import Location, lake_location
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.settings import parse_lake_root
from hl_pipeline.warehouse.catalog import attach_lake, publish_catalog
from hl_pipeline_tests.lake.helpers import candles_1m, lake_tables, manifest_of, partition_of
from hl_pipeline_tests.pipeline.conftest import run_range
from hl_pipeline_tests.s3_server import CREDENTIALS, _free_port, moto_s3

FIRST, LAST = "2024-02-28", "2024-03-01"  # the clock is frozen at 2024-03-01 12:30 UTC


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    import s3fs

    with moto_s3("lake") as url:
        s3fs.S3FileSystem.clear_instance_cache()  # a client of another test's server is not reused
        yield url
    s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture
def s3_env(endpoint, monkeypatch) -> str:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return endpoint


def test_the_market_and_ml_jobs_write_the_same_lake_on_s3_as_in_a_folder(
    pipeline_env, s3_env, instance, monkeypatch
):
    monkeypatch.setenv("HL_TRAINING_DAYS", "3")
    monkeypatch.setenv("HL_FOLDS", "3")
    lakes: dict[str, Location] = {"local": pipeline_env, "s3": lake_location("s3://lake/jobs")}
    for name, root in lakes.items():
        monkeypatch.setenv("HL_LAKE_ROOT", str(root))
        defs = load_definitions()
        for job in ("market_job", "ml_data_job"):
            result = run_range(defs.resolve_job_def(job), instance, FIRST, LAST)
            assert result.success, f"{job} on the {name} lake"
    local, remote = (lake_tables(root) for root in lakes.values())
    assert {p.split("/")[0] for p in local} >= {"candles", "funding", "features", "labels", "training_set"}
    assert sorted(remote) == sorted(local)
    for path, table in local.items():
        assert remote[path].equals(table), path
    for dataset, coin in (("candles", "BTC"), ("features", "ETH"), ("labels", "BTC")):
        here, there = (manifest_of(root, dataset, LAST, coin) for root in lakes.values())
        assert (there.rows, there.content_hash) == (here.rows, here.content_hash)
    s3_day = read_range(lakes["s3"], "features", [FIRST, LAST], ["BTC", "ETH"])
    assert s3_day.equals(read_range(lakes["local"], "features", [FIRST, LAST], ["BTC", "ETH"]))


def test_the_catalog_reads_the_lake_on_s3_through_duckdb(s3_env, tmp_path):
    import duckdb

    root = lake_location("s3://lake/catalog")
    for day, start in (("2024-01-01", 1_704_067_200_000), ("2024-01-02", 1_704_153_600_000)):
        table = candles_1m(1440, start_ms=start)
        write_partition(root, table, Manifest.for_table("candles", day, "BTC", table, "test"))
    database = tmp_path / "warehouse.duckdb"
    created = publish_catalog(database, root)
    assert created["candles"] == 2880 and created["manifests"] == 2
    with duckdb.connect(str(database), read_only=True) as conn:
        attach_lake(conn, root)
        assert conn.execute("SELECT count(*), count(DISTINCT date) FROM candles").fetchone() == (2880, 2)
        files = conn.execute("SELECT file_name FROM manifests ORDER BY date").fetchall()
    assert [f for (f,) in files] == [
        f"s3://lake/catalog/candles/coin=BTC/date={d}/part-0.parquet" for d in ("2024-01-01", "2024-01-02")
    ]
    table = candles_1m(60, start_ms=1_704_153_600_000)
    write_partition(root, table, Manifest.for_table("candles", "2024-01-02", "BTC", table, "test"))
    assert publish_catalog(database, root)["candles"] == 1440 + 60  # a rewritten object is read again


def test_a_corrupt_object_is_quarantined_and_reads_as_never_written(s3_env):
    root = lake_location("s3://lake/corrupt")
    table = candles_1m(30)
    write_partition(root, table, Manifest.for_table("candles", "2024-01-01", "BTC", table, "t"))
    path = partition_file(root, "candles", "2024-01-01", "BTC")
    assert isinstance(path, UPath)
    path.write_bytes(path.read_bytes()[:-40])  # a truncated copy: no footer
    assert read_partition(root, "candles", "2024-01-01", "BTC") is None
    assert not path.exists()
    (record,) = records(root)
    assert record["path"] == "candles/coin=BTC/date=2024-01-01/part-0.parquet"
    assert (root / record["moved_to"]).exists() and record["bytes"] > 0
    assert read_manifest(root, "candles", "2024-01-01", "BTC") is None


def test_a_write_that_fails_leaves_the_old_object_whole(s3_env, monkeypatch):
    root = lake_location("s3://lake/failing")
    old = candles_1m(30)
    write_partition(root, old, Manifest.for_table("candles", "2024-01-01", "BTC", old, "t"))
    before = manifest_of(root, "candles", "2024-01-01", "BTC").content_hash

    def broken(table, where, **options):
        where.write(b"PAR1 half a file")
        raise OSError("disk full while encoding")

    new = candles_1m(60)
    with monkeypatch.context() as mp, pytest.raises(OSError, match="disk full"):
        mp.setattr(pq, "write_table", broken)
        write_partition(root, new, Manifest.for_table("candles", "2024-01-01", "BTC", new, "t"))
    assert manifest_of(root, "candles", "2024-01-01", "BTC").content_hash == before
    assert partition_of(root, "candles", "2024-01-01", "BTC").num_rows == 30


def test_an_unreachable_or_misspelt_object_store_is_refused_by_name(s3_env, monkeypatch):
    with pytest.raises(ConfigError, match="no-such-bucket"):
        check_writable(lake_location("s3://no-such-bucket/lake"), "HL_LAKE_ROOT")
    for bad in ("s3://A_Bucket/lake", "gs://lake/prefix", "s3://"):
        with pytest.raises(ConfigError, match="HL_LAKE_ROOT"):
            parse_lake_root(bad)
    assert parse_lake_root("s3://lake/prefix/") == "s3://lake/prefix"
    check_writable(lake_location("s3://lake/ok"), "HL_LAKE_ROOT")
    assert not list(lake_location("s3://lake/ok").rglob("*"))  # the probe is gone


def test_a_store_that_fails_is_an_error_never_a_quarantine(s3_env, monkeypatch):
    """pyarrow's client meets a dead endpoint while the object itself is whole: the read fails loudly
    and the object stays where it is."""
    import pyarrow.fs as pafs

    import hl_pipeline.lake.storage as storage

    root = lake_location("s3://lake/outage")
    table = candles_1m(30)
    write_partition(root, table, Manifest.for_table("candles", "2024-01-01", "BTC", table, "t"))
    dead = pafs.S3FileSystem(endpoint_override=f"http://127.0.0.1:{_free_port()}", region="us-east-1")
    with monkeypatch.context() as mp:
        mp.setattr(storage, "_arrow_s3", lambda *_: dead)
        with pytest.raises(OSError):
            read_partition(root, "candles", "2024-01-01", "BTC")
    assert records(root) == []
    assert partition_of(root, "candles", "2024-01-01", "BTC").num_rows == 30

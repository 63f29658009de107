"""Atomic partition writes: replace, manifest in the footer, crash safety."""

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.paths import partition_file
from hl_pipeline.lake.reader import read_manifest, read_partition, read_range
from hl_pipeline.lake.writer import parquet_options, write_partition
from hl_pipeline_tests.lake.helpers import candles_1m


def _rows(root) -> int:
    table = read_partition(root, "candles", "2024-01-01", "BTC")
    assert table is not None
    return table.num_rows


def _hash(root) -> str:
    manifest = read_manifest(root, "candles", "2024-01-01", "BTC")
    assert manifest is not None
    return manifest.content_hash


def _manifest(date="2024-01-01", coin="BTC") -> Manifest:
    return Manifest(
        dataset="candles",
        date=date,
        coin=coin,
        rows=0,
        first_time=None,
        last_time=None,
        duplicates_dropped=0,
        source="test",
        ingest_time="2024-01-01T00:00:00Z",
        code_version="test",
    )


def test_write_then_read_round_trips_rows_and_manifest(tmp_path):
    table = candles_1m(10)
    path = write_partition(tmp_path, table, _manifest())
    assert path == tmp_path / "candles" / "coin=BTC" / "date=2024-01-01" / "part-0.parquet"
    assert "coin" not in pq.read_schema(path).names  # the Hive path carries it
    read = read_partition(tmp_path, "candles", "2024-01-01", "BTC")
    assert read is not None and read.equals(table)
    manifest = read_manifest(tmp_path, "candles", "2024-01-01", "BTC")
    assert manifest is not None
    assert manifest.rows == 10 and len(manifest.content_hash) == 64


def test_rewrite_replaces_and_equal_data_hashes_equal(tmp_path):
    write_partition(tmp_path, candles_1m(10), _manifest())
    first = _hash(tmp_path)
    write_partition(tmp_path, candles_1m(5), _manifest())
    assert _rows(tmp_path) == 5
    write_partition(tmp_path, candles_1m(10), _manifest())
    assert _hash(tmp_path) == first
    assert [p.name for p in partition_file(tmp_path, "candles", "2024-01-01", "BTC").parent.iterdir()] == [
        "part-0.parquet"
    ]


def test_rows_of_another_coin_are_refused_and_nothing_written(tmp_path):
    with pytest.raises(ValueError, match="ETH"):
        write_partition(tmp_path, candles_1m(3, coin="ETH"), _manifest(coin="BTC"))
    assert not (tmp_path / "candles").exists()


def test_missing_column_is_named(tmp_path):
    with pytest.raises(ValueError, match="trades"):
        write_partition(tmp_path, candles_1m(3).drop_columns(["trades"]), _manifest())


def test_writer_killed_before_rename_leaves_the_old_partition(tmp_path):
    write_partition(tmp_path, candles_1m(10), _manifest())
    script = textwrap.dedent(f"""
        import os, signal
        import hl_pipeline.lake.writer as w
        from hl_pipeline_tests.lake.helpers import candles_1m
        from hl_pipeline_tests.lake.test_writer import _manifest
        def die(tmp, final):
            assert tmp.exists() and tmp.stat().st_size > 0  # the new file is fully written
            os.kill(os.getpid(), signal.SIGKILL)
        w.commit = die
        w.write_partition(__import__("pathlib").Path({str(tmp_path)!r}), candles_1m(3), _manifest())
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd())
    assert proc.returncode == -signal.SIGKILL
    assert _rows(tmp_path) == 10
    leftovers = list(
        partition_file(tmp_path, "candles", "2024-01-01", "BTC").parent.glob(".part-0.parquet.tmp-*")
    )
    assert len(leftovers) == 1  # hidden from readers, removed by a later writer once stale


def test_read_range_skips_missing_partitions(tmp_path):
    write_partition(tmp_path, candles_1m(4), _manifest("2024-01-01"))
    table = read_range(tmp_path, "candles", ["2024-01-01", "2024-01-02"], ["BTC", "ETH"])
    assert table.num_rows == 4 and set(table.column("coin").to_pylist()) == {"BTC"}


def test_read_range_keeps_date_then_coin_order_and_tags_the_partition(tmp_path):
    for day, start in (("2024-01-01", 0), ("2024-01-02", 1440)):
        for coin in ("BTC", "ETH"):
            write_partition(
                tmp_path,
                candles_1m(3, start_ms=1_704_067_200_000 + start * 60_000, coin=coin),
                _manifest(day, coin),
            )
    table = read_range(tmp_path, "candles", ["2024-01-01", "2024-01-02"], ["BTC", "ETH"], with_date=True)
    assert table.column("coin").to_pylist() == ["BTC"] * 3 + ["ETH"] * 3 + ["BTC"] * 3 + ["ETH"] * 3
    assert table.column("date").to_pylist() == ["2024-01-01"] * 6 + ["2024-01-02"] * 6
    btc = [
        t for t, c in zip(table.column("time").to_pylist(), table.column("coin").to_pylist()) if c == "BTC"
    ]
    assert btc == sorted(btc)


def test_reread_datasets_use_lz4_without_float_dictionaries_and_the_rest_zstd():
    schema = pa.schema([("coin", pa.string()), ("time", pa.timestamp("ms")), ("x", pa.float64())])
    market, reread = parquet_options(schema), parquet_options(schema, reread=True)
    assert market["compression"] == "zstd" and market["use_dictionary"] == ["coin", "x"]
    assert reread["compression"] == "lz4" and reread["use_dictionary"] == ["coin"]
    assert market["column_encoding"] == reread["column_encoding"] == {"time": "DELTA_BINARY_PACKED"}


def _filled(schema: pa.Schema, n: int) -> pa.Table:
    """n rows of a schema: one minute apart, coin BTC, a value of each field's type."""

    def column(field: pa.Field) -> pa.Array:
        if pa.types.is_timestamp(field.type):
            return pa.array([1_704_067_200_000 + 60_000 * i for i in range(n)], pa.int64()).cast(field.type)
        if pa.types.is_string(field.type):
            return pa.array(["BTC"] * n, field.type)
        if pa.types.is_boolean(field.type):
            return pa.array([i % 2 == 0 for i in range(n)])
        return pa.array([i / 7 for i in range(n)]).cast(field.type)

    return pa.Table.from_arrays([column(f) for f in schema], schema=schema)


def test_features_are_written_with_lz4_candles_with_zstd_and_both_read_back_equal(tmp_path):
    from hl_pipeline.lake.schemas import SCHEMAS

    for name, rows, codec in (
        ("candles", candles_1m(10), "ZSTD"),
        ("features", _filled(SCHEMAS["features"], 10), "LZ4"),
    ):
        path = write_partition(tmp_path, rows, dataclasses.replace(_manifest(), dataset=name))
        meta = pq.read_metadata(path)
        assert {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} == {codec}
        read = read_partition(tmp_path, name, "2024-01-01", "BTC")
        assert read is not None and read.equals(rows)

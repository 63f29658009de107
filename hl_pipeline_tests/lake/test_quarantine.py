"""A partition file no reader can open is moved to the quarantine folder with a record and reads as
never written; the partitions beside it stay readable."""

import pytest

from hl_pipeline.lake import reader
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.paths import partition_file
from hl_pipeline.lake.quarantine import QUARANTINE_DIR, SUFFIX, quarantine, records, unreadable
from hl_pipeline.lake.writer import write_partition
from hl_pipeline_tests.lake.helpers import candles_1m

DATES = ("2024-01-01", "2024-01-02", "2024-01-03")


def _lake(root):
    for date in DATES:
        table = candles_1m(10)
        write_partition(root, table, Manifest.for_table("candles", date, "BTC", table, "test"))
    return root


def _truncate(path, keep: float = 0.5) -> bytes:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return data[: int(len(data) * keep)]


@pytest.mark.parametrize(
    "read",
    [
        lambda root: reader.read_manifest(root, "candles", DATES[1], "BTC"),
        lambda root: reader.read_partition(root, "candles", DATES[1], "BTC"),
        lambda root: reader.read_head(root, "candles", DATES[1], "BTC", 3),
    ],
    ids=["manifest", "partition", "head"],
)
def test_a_truncated_partition_is_quarantined_and_reads_as_never_written(tmp_path, read):
    root = _lake(tmp_path)
    path = partition_file(root, "candles", DATES[1], "BTC")
    torn = _truncate(path)
    assert read(root) is None
    assert not path.exists()
    (record,) = records(root)
    assert record["path"] == "candles/coin=BTC/date=2024-01-02/part-0.parquet"
    assert record["bytes"] == len(torn) and "ArrowInvalid" in record["error"]
    moved = root / record["moved_to"]
    assert moved.read_bytes() == torn and moved.name.endswith(SUFFIX)
    assert moved.is_relative_to(root / QUARANTINE_DIR)
    beside = reader.read_partition(root, "candles", DATES[0], "BTC")
    assert beside is not None and beside.num_rows == 10  # the others read


def test_a_range_scan_quarantines_the_bad_file_and_returns_the_rest(tmp_path):
    root = _lake(tmp_path)
    _truncate(partition_file(root, "candles", DATES[2], "BTC"), 0.9)
    table = reader.read_range(root, "candles", DATES, ["BTC"], with_date=True)
    assert sorted(set(table.column("date").to_pylist())) == list(DATES[:2])
    assert table.num_rows == 20
    assert [r["path"] for r in records(root)] == ["candles/coin=BTC/date=2024-01-03/part-0.parquet"]


def test_a_file_that_is_only_missing_is_not_quarantined(tmp_path):
    root = _lake(tmp_path)
    partition_file(root, "candles", DATES[0], "BTC").unlink()
    assert reader.read_partition(root, "candles", DATES[0], "BTC") is None
    assert records(root) == [] and not (root / QUARANTINE_DIR).exists()


def test_missing_and_forbidden_files_are_not_corruption():
    assert not unreadable(FileNotFoundError("gone"))
    assert not unreadable(PermissionError("denied"))
    assert unreadable(OSError("Couldn't deserialize thrift"))


def test_a_file_another_reader_moved_first_is_not_recorded_twice(tmp_path):
    root = _lake(tmp_path)
    path = partition_file(root, "candles", DATES[0], "BTC")
    assert quarantine(root, path, ValueError("torn")) is not None
    assert quarantine(root, path, ValueError("torn")) is None
    assert len(records(root)) == 1

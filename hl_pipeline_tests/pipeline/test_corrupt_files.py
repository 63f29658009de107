"""A truncated partition in the lake never blocks a backfill: it is quarantined with a record, the
backfill rebuilds it from the exchange, and the catalog's views answer for every coin."""

import duckdb

from hl_pipeline.cli import main
from hl_pipeline.lake.paths import partition_file
from hl_pipeline.lake.quarantine import records
from hl_pipeline.lake.reader import read_manifest

DAY = "2024-02-29"


def test_a_truncated_universe_and_candles_partition_are_rebuilt_by_the_next_backfill(
    pipeline_env, instance, tmp_path, capsys
):
    lake = pipeline_env
    assert main(["backfill", "--start", DAY, "--end", DAY]) == 0
    candles = partition_file(lake, "candles", DAY, "ETH")
    written = read_manifest(lake, "candles", DAY, "ETH")
    assert written is not None
    for path in (partition_file(lake, "universe", DAY), candles):
        path.write_bytes(path.read_bytes()[:200])
    capsys.readouterr()

    assert main(["backfill", "--start", DAY, "--end", DAY]) == 0
    out = capsys.readouterr().out
    (record,) = records(lake)  # the candle step rewrites its partition without reading the old one
    assert record["path"] == f"universe/date={DAY}/part-0.parquet" and record["bytes"] == 200
    assert f"quarantined corrupt file {lake / record['path']}" in out
    assert read_manifest(lake, "universe", DAY) is not None  # rebuilt from the exchange's listing
    rebuilt = read_manifest(lake, "candles", DAY, "ETH")
    assert rebuilt is not None and rebuilt.content_hash == written.content_hash
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        coins = conn.execute("SELECT DISTINCT coin FROM candles ORDER BY coin").fetchall()
        moved = conn.execute("SELECT path FROM quarantine").fetchall()
    assert coins == [("BTC",), ("ETH",)] and moved == [(record["path"],)]

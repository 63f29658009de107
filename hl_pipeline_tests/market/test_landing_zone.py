"""Which spans of a day the collector missed, from landing file names and its gap records."""

import pyarrow as pa

from hl_pipeline.lake.writer import write_parquet_atomically
from hl_pipeline.market.landing_zone import landing_files, listened_spans, new_files_by_day, unlistened

DAY = 1_709_251_200_000  # 2024-03-01 00:00 UTC
MIN = 60_000


def _touch(landing, channel, first, last):
    from hl_pipeline.lake.calendar import date_of_ms

    path = landing / channel / date_of_ms(first) / f"{first}-{last}.parquet"
    write_parquet_atomically(pa.table({"x": [1]}), path)
    return path


def test_files_within_the_rotation_slack_are_one_listened_span(tmp_path):
    files = [
        _touch(tmp_path, "trades", DAY + a, DAY + b)
        for a, b in [(0, 59_000), (60_000, 119_000), (300_000, 310_000)]
    ]
    assert listened_spans(files) == [(DAY, DAY + 119_000), (DAY + 300_000, DAY + 310_000)]


def test_every_unlistened_span_is_a_gap_with_its_cause():
    listened = [(DAY + 10 * MIN, DAY + 20 * MIN), (DAY + 30 * MIN, DAY + 40 * MIN)]
    records = [(DAY + 20 * MIN, DAY + 30 * MIN, "disconnect"), (DAY + 35 * MIN, DAY + 36 * MIN, "silent")]
    holes = unlistened(DAY, DAY + 60 * MIN, listened, records, "not yet landed")
    assert holes == [
        (DAY, DAY + 10 * MIN, "not collecting"),
        (DAY + 20 * MIN, DAY + 30 * MIN, "disconnect"),  # the record names the hole between the files
        (DAY + 35 * MIN, DAY + 36 * MIN, "silent"),
        (DAY + 40 * MIN + 1, DAY + 60 * MIN, "not yet landed"),
    ]


def test_a_day_never_listened_is_one_gap():
    assert unlistened(DAY, DAY + 1440 * MIN, [], [], "not yet landed") == [
        (DAY, DAY + 1440 * MIN, "not collecting")
    ]


def test_a_file_spanning_midnight_belongs_to_both_days(tmp_path):
    path = _touch(tmp_path, "l2Book", DAY - 30_000, DAY + 30_000)
    assert landing_files(tmp_path, "l2Book", DAY, DAY + 1440 * MIN) == [path]
    assert landing_files(tmp_path, "l2Book", DAY - 1440 * MIN, DAY) == [path]


def test_new_files_name_the_days_they_touch_once(tmp_path):
    _touch(tmp_path, "trades", DAY - 30_000, DAY + 30_000)
    days, cursor = new_files_by_day(tmp_path, ("trades", "l2Book"), {})
    assert days == ["2024-02-29", "2024-03-01"]
    assert new_files_by_day(tmp_path, ("trades", "l2Book"), cursor) == ([], cursor)
    _touch(tmp_path, "l2Book", DAY + 60_000, DAY + 90_000)
    assert new_files_by_day(tmp_path, ("trades", "l2Book"), cursor)[0] == ["2024-03-01"]


def test_a_corrupt_landing_file_is_quarantined_and_its_span_is_a_gap(tmp_path):
    from hl_pipeline.lake.quarantine import records
    from hl_pipeline.market.landing_zone import CORRUPT, gap_records

    kept = _touch(tmp_path, "trades", DAY, DAY + 59_000)
    torn = _touch(tmp_path, "trades", DAY + 60_000, DAY + 119_000)
    torn.write_bytes(torn.read_bytes()[:20])
    files = landing_files(tmp_path, "trades", DAY, DAY + 1440 * MIN)
    assert files == [kept] and not torn.exists()
    assert [r["path"] for r in records(tmp_path)] == [f"trades/2024-03-01/{torn.name}"]
    records_ = gap_records(tmp_path, "trades", "BTC", DAY, DAY + 1440 * MIN)
    assert records_ == [(DAY + 60_000, DAY + 119_001, CORRUPT)]
    holes = unlistened(DAY, DAY + 10 * MIN, listened_spans(files), records_, "not yet landed")
    assert holes[0] == (DAY + 59_001, DAY + 10 * MIN, CORRUPT + "+not yet landed")


def _touch_coins(folder, channel, first, last, coins):
    from hl_pipeline.lake.calendar import date_of_ms
    from hl_pipeline.lake.landing_layout import with_coins

    table = pa.table({"x": [1]})
    path = folder / channel / date_of_ms(first) / f"{first}-{last}.parquet"
    write_parquet_atomically(table.replace_schema_metadata(with_coins(table.schema, coins).metadata), path)
    return path


def test_every_shard_folder_is_read_and_a_file_listens_only_for_its_coins(tmp_path):
    from hl_pipeline.market.landing_zone import files_of, listening

    btc = _touch_coins(tmp_path / "shard-0-of-2", "trades", DAY, DAY + 10 * MIN, ["BTC"])
    eth = _touch_coins(tmp_path / "shard-1-of-2", "trades", DAY + 20 * MIN, DAY + 30 * MIN, ["ETH", "SOL"])
    old = _touch(tmp_path, "trades", DAY + 40 * MIN, DAY + 50 * MIN)  # an unsharded file: every coin
    _touch(tmp_path / "not-a-shard", "trades", DAY, DAY + MIN)
    files = landing_files(tmp_path, "trades", DAY, DAY + 60 * MIN)
    assert files == [btc, eth, old]
    subscribed = listening(files)
    assert files_of(files, subscribed, "BTC") == [btc, old]
    assert files_of(files, subscribed, "SOL") == [eth, old]
    eth_holes = unlistened(DAY, DAY + 60 * MIN, listened_spans(files_of(files, subscribed, "ETH")), [], "x")
    assert eth_holes[0] == (DAY, DAY + 20 * MIN, "not collecting")  # BTC's shard was not listening for ETH


def test_the_sensor_cursor_follows_each_shard_folder(tmp_path):
    _touch(tmp_path / "shard-0-of-2", "trades", DAY, DAY + MIN)
    days, cursor = new_files_by_day(tmp_path, ("trades",), {})
    assert days == ["2024-03-01"] and cursor == {"shard-0-of-2/trades": DAY + MIN}
    _touch(tmp_path / "shard-1-of-2", "trades", DAY + 86_400_000, DAY + 86_400_000 + MIN)
    days, cursor = new_files_by_day(tmp_path, ("trades",), cursor)
    assert days == ["2024-03-02"] and set(cursor) == {"shard-0-of-2/trades", "shard-1-of-2/trades"}

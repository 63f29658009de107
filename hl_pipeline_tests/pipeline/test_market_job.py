"""Real runs of the market job against the simulator on loopback, writing a temporary lake."""

import pyarrow.compute as pc
import pytest

import hl_pipeline.lake.writer as writer
from hl_pipeline_tests.lake.helpers import manifest_of, partition_of
from hl_pipeline_tests.pipeline.conftest import run_range

DAY = "2024-02-29"  # the full day before the frozen clock (2024-03-01 12:30 UTC)


def _hashes(lake, dates, coins=("BTC", "ETH")):
    return {(c, d): manifest_of(lake, "candles", d, c).content_hash for c in coins for d in dates}


def test_one_day_is_complete_and_checked(market_job, instance, pipeline_env):
    result = market_job.execute_in_process(instance=instance, partition_key=DAY)  # as the schedules launch it
    assert result.success
    btc = partition_of(pipeline_env, "candles", DAY, "BTC").to_pandas()
    one_minute = btc[(btc.interval == "1m") & (btc.source == "api")]
    assert len(one_minute) == 1440 and one_minute.time.is_monotonic_increasing
    assert set(btc.interval) == {"1m", "5m", "15m", "1h", "4h", "1d"}
    manifest = manifest_of(pipeline_env, "candles", DAY, "ETH")
    assert manifest.gaps == [] and manifest.unavailable == []
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and all(e.passed for e in evaluations)
    assert {e.partition for e in evaluations} == {DAY}
    funding = partition_of(pipeline_env, "funding", DAY, "BTC")
    assert funding.num_rows == 24


def test_thirty_days_in_one_run_report_what_the_api_no_longer_serves(market_job, instance, pipeline_env):
    result = run_range(market_job, instance, "2024-01-31", "2024-02-29")
    assert result.success
    assert len(instance.get_run_records()) == 1
    old = manifest_of(pipeline_env, "candles", "2024-01-31", "BTC")
    assert {u["interval"] for u in old.unavailable} >= {"1m"}  # beyond 5000 one-minute candles
    assert old.coverage["1d/api"]["status"] == "complete"
    recent = manifest_of(pipeline_env, "candles", "2024-02-28", "BTC")
    assert recent.unavailable == [] and recent.gaps == []
    per_day = {
        e.partition for e in result.get_asset_check_evaluations() if e.check_name == "candles_complete"
    }
    assert len(per_day) == 31 and None in per_day  # thirty days, plus the range summary
    assert all(e.passed for e in result.get_asset_check_evaluations() if e.check_name == "candles_complete")


def test_rerun_is_idempotent(market_job, instance, pipeline_env):
    dates = ["2024-02-28", "2024-02-29"]
    assert run_range(market_job, instance, *dates).success
    first = _hashes(pipeline_env, dates)
    rows = partition_of(pipeline_env, "candles", dates[0], "BTC").num_rows
    assert run_range(market_job, instance, *dates).success
    assert _hashes(pipeline_env, dates) == first
    assert partition_of(pipeline_env, "candles", dates[0], "BTC").num_rows == rows


def test_writer_failing_before_rename_keeps_the_old_partition(
    market_job, instance, pipeline_env, monkeypatch
):
    assert run_range(market_job, instance, DAY, DAY).success
    before = _hashes(pipeline_env, [DAY])

    def crash(tmp, final):
        raise OSError("simulated crash between the temporary write and the rename")

    monkeypatch.setattr(writer, "commit", crash)
    assert not run_range(market_job, instance, DAY, DAY).success
    assert _hashes(pipeline_env, [DAY]) == before
    assert partition_of(pipeline_env, "candles", DAY, "BTC").num_rows > 1440


def test_today_is_partial_and_not_a_gap(market_job, instance, pipeline_env):
    result = run_range(market_job, instance, "2024-03-01", "2024-03-01")
    assert result.success
    manifest = manifest_of(pipeline_env, "candles", "2024-03-01", "BTC")
    assert manifest.coverage["1m/api"]["status"] == "partial"
    assert manifest.coverage["1m/api"]["expected_bars"] == 12 * 60 + 30  # bars opened before 12:30:00
    assert manifest.gaps == []
    universe = partition_of(pipeline_env, "universe", "2024-03-01")
    assert universe.column("mark_px").null_count == 0  # today's snapshot carries contexts


@pytest.mark.parametrize("first,last", [("2024-03-02", "2024-03-02")])
def test_a_future_day_is_refused_and_nothing_written(market_job, instance, pipeline_env, first, last):
    result = run_range(market_job, instance, first, last)
    assert not result.success
    assert not pipeline_env.exists() or not any(pipeline_env.rglob("*.parquet"))


def test_a_malformed_setting_stops_the_code_location_from_loading(pipeline_env, monkeypatch):
    from hl_pipeline.commands.runs import load_definitions
    from hl_pipeline.errors import ConfigError

    monkeypatch.setenv("HL_NATIVE_INTERVALS", "1m,2m")
    with pytest.raises(ConfigError, match=r"HL_NATIVE_INTERVALS.*'1m,2m'|'2m'.*HL_NATIVE_INTERVALS"):
        load_definitions()
    assert not pipeline_env.exists()


def test_an_unlisted_coin_fails_the_run_before_any_write(pipeline_env, instance, monkeypatch):
    from hl_pipeline.commands.runs import load_definitions

    monkeypatch.setenv("HL_COINS", "BTC,NOPE")
    job = load_definitions().resolve_job_def("market_job")
    result = job.execute_in_process(instance=instance, partition_key=DAY, raise_on_error=False)
    assert not result.success
    errors = [error for e in result.all_events if (error := getattr(e.event_specific_data, "error", None))]
    assert errors and "NOPE" in errors[0].to_string()
    assert not pipeline_env.exists() or not any(pipeline_env.rglob("*.parquet"))


def test_a_failing_blocking_check_stops_the_assets_downstream(market_job, instance, pipeline_env):
    from hl_pipeline.lake.writer import write_partition

    assert market_job.execute_in_process(instance=instance, partition_key=DAY).success
    listing = partition_of(pipeline_env, "universe", DAY)
    without_eth = listing.filter(pc.not_equal(listing["coin"], "ETH"))
    write_partition(
        pipeline_env, without_eth, manifest_of(pipeline_env, "universe", DAY)
    )  # a past day is kept as written

    result = market_job.execute_in_process(instance=instance, partition_key=DAY, raise_on_error=False)
    assert not result.success
    tracked = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "universe_tracked_coins_listed"
    ]
    assert len(tracked) == 1 and not tracked[0].passed and "ETH" in tracked[0].description
    assert result.asset_materializations_for_node("candles") == []
    assert result.asset_materializations_for_node("funding") == []


def test_every_partition_of_a_three_day_run_carries_its_own_metadata(market_job, instance, pipeline_env):
    import dagster as dg

    dates = ["2024-02-28", "2024-02-29", "2024-03-01"]
    assert run_range(market_job, instance, dates[0], dates[-1]).success
    for asset, coins in (("candles", ("BTC", "ETH")), ("funding", ("BTC", "ETH")), ("universe", (None,))):
        for date in dates:
            (record,) = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[date]), limit=1
            ).records
            metadata = record.asset_materialization.metadata
            own = sum(manifest_of(pipeline_env, asset, date, coin).rows for coin in coins)
            assert metadata["dagster/row_count"].value == own, (asset, date)
            assert date in metadata["preview"].value and metadata["coins"].value == len(coins)
            assert metadata["run_partitions"].value == 3
            columns = metadata["dagster/column_schema"].value.columns
            assert columns and all(c.description for c in columns)  # unit, zone, meaning in the UI

"""A clock frozen in the past (HL_AS_OF) still reads what the source keeps now: candles it no longer
serves are recorded unavailable, never complete with no bars, and the backfill says so."""

from hl_pipeline.cli import main
from hl_pipeline.lake.reader import read_manifest

DAY = "2024-02-19"  # the simulator's clock is 2024-03-01 12:30: its 5000 1m candles reach back to Feb 26


def test_days_beyond_the_sources_retention_are_unavailable_and_said_so(
    pipeline_env, instance, monkeypatch, capsys
):
    monkeypatch.setenv("HL_AS_OF", "2024-02-20T12:00:00Z")
    monkeypatch.setenv("HL_COINS", "BTC")
    main(["backfill", "--start", DAY, "--end", DAY])
    manifest = read_manifest(pipeline_env, "candles", DAY, "BTC")
    assert manifest is not None
    minute = manifest.coverage["1m/api"]
    assert minute["status"] == "unavailable" and minute["present_bars"] == 0
    assert "retention" in minute["reason"]
    hourly = manifest.coverage["1h/api"]  # 5000 hours reach back 208 days: served
    assert hourly["status"] == "complete" and hourly["present_bars"] == 24
    out = capsys.readouterr().out
    assert f"candles unavailable, 1m/api: beyond the API's candle retention: 1 coin-day(s) (BTC {DAY})" in out

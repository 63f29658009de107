import pyarrow as pa

from hl_pipeline.exchange.series_payloads import CANDLE_SCHEMA, parse_candles, parse_funding
from hl_pipeline.lake.schemas import CANDLES, FUNDING
from hl_pipeline_tests.exchange.recordings import response

RECEIVED = 1_700_000_000_123


def test_candles_recording_kpepe_1h():
    req, body = response("test_get_candles_snapshot", "candleSnapshot")
    table = parse_candles(body, RECEIVED, req, coin="kPEPE", interval="1h")
    assert table.schema == CANDLE_SCHEMA
    assert CANDLE_SCHEMA.names == [n for n in CANDLES.names if n != "source"]
    assert table.num_rows == 24
    rows = table.to_pylist()
    first, last = rows[0], rows[-1]
    assert int(first["time"].timestamp() * 1000) == 1684699200000
    assert int(first["close_time"].timestamp() * 1000) == 1684702799999
    assert (first["open"], first["high"], first["low"], first["close"]) == (
        0.001601,
        0.001616,
        0.001601,
        0.001604,
    )
    assert first["volume"] == 520665683.0 and first["trades"] == 709
    assert int(last["time"].timestamp() * 1000) == 1684782000000
    assert (last["open"], last["high"], last["low"], last["close"], last["trades"]) == (
        0.001538,
        0.001548,
        0.001536,
        0.00154,
        430,
    )
    assert last["volume"] == 308219489.0
    assert set(table.column("coin").to_pylist()) == {"kPEPE"} and set(
        table.column("interval").to_pylist()
    ) == {"1h"}
    assert table.column("ingest_time").cast(pa.int64()).to_pylist() == [RECEIVED] * 24


def test_funding_recordings_34_and_1038_rows():
    req, body = response("test_get_funding_history[1684811870000]", "fundingHistory")
    short = parse_funding(body, RECEIVED, req, coin="BTC")
    assert short.schema == FUNDING and short.num_rows == 34
    assert short.column("funding_rate")[0].as_py() == -0.00061334
    assert short.column("premium")[0].as_py() == -0.00091334
    assert short.column("time").cast(pa.int64())[-1].as_py() == 1684800000022
    req, body = response("test_get_funding_history[None]", "fundingHistory")
    long = parse_funding(body, RECEIVED, req, coin="BTC")
    assert long.num_rows == 1038 and long.column("premium").null_count == 0
    assert long.column("time").cast(pa.int64())[-1].as_py() == 1689627600065


def test_funding_premium_absent_or_nan_is_null():
    body = [
        {"coin": "BTC", "fundingRate": "0.0000125", "time": 1},
        {"coin": "BTC", "fundingRate": "0.0000125", "premium": "NaN", "time": 2},
        {"coin": "BTC", "fundingRate": "-0.0001", "premium": "0.0003", "time": 3},
    ]
    table = parse_funding(body, RECEIVED)
    assert table.column("premium").to_pylist() == [None, None, 0.0003]


def test_empty_pages_give_empty_tables_with_the_schema():
    assert parse_candles([], RECEIVED).schema == CANDLE_SCHEMA
    assert parse_funding([], RECEIVED).num_rows == 0

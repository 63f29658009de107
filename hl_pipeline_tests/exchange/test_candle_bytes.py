"""candleSnapshot bodies read straight from their bytes: the same table as json.loads + parse_candles
for every body it accepts, and None (the strict path decides) for everything else."""

from __future__ import annotations

import copy
import json

import pytest

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.errors import MalformedResponseError
from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.exchange.series_payloads import parse_candles, parse_candles_bytes
from hl_pipeline.exchange.weights import request_weight
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.exchange.recordings import response

RECEIVED = 1_700_000_000_123
COMPACT = (",", ":")


def _compact(rows) -> bytes:
    return json.dumps(rows, separators=COMPACT).encode()


def _same_as_strict(content: bytes, coin: str, interval: str) -> None:
    fast = parse_candles_bytes(content, RECEIVED, coin, interval)
    assert fast is not None
    table, items = fast
    strict = parse_candles(json.loads(content), RECEIVED, None, coin, interval)
    assert table.schema == strict.schema and table.equals(strict)
    assert items == strict.num_rows


def test_the_recorded_exchange_response_reads_the_same():
    _, body = response("test_get_candles_snapshot", "candleSnapshot")
    _same_as_strict(_compact(body), "kPEPE", "1h")  # keys in the recording's (sorted) order


@pytest.mark.parametrize("coin, interval", [("BTC", "1m"), ("kPEPE", "15m"), ("ETH", "1d"), ("DOGE", "1M")])
def test_simulator_bodies_read_the_same(coin, interval):
    market = Market(SimulatorConfig(seed=4, now_ms=TEST_NOW_MS, retention=None))
    body = market.candle_body(coin, interval, TEST_NOW_MS - 400 * DAY_MS, TEST_NOW_MS).body
    assert body.count(b"},{") > 5
    _same_as_strict(body, coin, interval)


def _rows():
    return copy.deepcopy(response("test_get_candles_snapshot", "candleSnapshot")[1])


def _mutated(mutate) -> bytes:
    rows = _rows()
    mutate(rows)
    return _compact(rows)


@pytest.mark.parametrize(
    "content",
    [
        _mutated(lambda rows: rows[3].pop("c")),
        _mutated(lambda rows: rows[5].update(o="0.00x1")),
        _mutated(lambda rows: rows[0].update(h="inf")),
        _mutated(lambda rows: rows[1].update(v="NaN")),
        _mutated(lambda rows: rows[2].update(t="1684706400000")),
        _mutated(lambda rows: rows[2].update(n=1.5)),
        _mutated(lambda rows: rows[2].update(n=True)),
        _mutated(lambda rows: rows[2].update(n=None)),
        _mutated(lambda rows: rows[4].update(c=0.0016)),
        _mutated(lambda rows: rows[4].update(c=["0.0016"])),
        _mutated(lambda rows: rows[6].update(s="BTC")),
        _mutated(lambda rows: rows[6].update(i="1m")),
        _mutated(lambda rows: rows[6].update(T=rows[6]["t"])),
        _mutated(lambda rows: rows[6].update(t=2**64)),
        _mutated(lambda rows: rows.__setitem__(7, "oops")),
        _mutated(lambda rows: rows[1].update(x=[{"a": 1}, {"b": 2}])),  # "},{" inside a row
        _mutated(lambda rows: rows[1].update(s="kPEPE},{")),  # "},{" inside a string
        _compact(_rows()).replace(b"},{", b"} {", 1),  # rows not separated by a comma
        _compact(_rows()).replace(b"},{", b"},\n{", 1),  # valid JSON, but not compact
        _compact(_rows()) + b" ",
        _compact(_rows()).replace(b'"n":', b'"n":1,"n":', 1),  # a key twice (json.loads keeps the last)
        _compact(_rows()).replace(b'"n":709', b'"n":0709', 1),
        b"[]",
        b"[1,2]",
        b'{"error":"x"}',
    ],
)
def test_anything_else_is_left_to_the_strict_parser(content):
    assert parse_candles_bytes(content, RECEIVED, "kPEPE", "1h") is None


def test_the_client_reads_candle_pages_from_bytes(simulator, monkeypatch):
    """The client takes the fast path (the list parser is never called) and charges each page's
    weight by its rows, as it does for a decoded body."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("json.loads + parse_candles used for a compact candle page")

    start, end = TEST_NOW_MS - 5 * DAY_MS, TEST_NOW_MS - DAY_MS
    expected = InfoClient(simulator.base_url).candles("ETH", "1h", start, end)  # both paths: same table
    monkeypatch.setattr("hl_pipeline.exchange.client.parse_candles", refuse)
    client = InfoClient(simulator.base_url)
    table = client.candles("ETH", "1h", start, end)
    assert table.drop_columns(["ingest_time"]).equals(expected.drop_columns(["ingest_time"]))
    assert client.stats.by_type["candleSnapshot"] == 1
    assert client.stats.weight == request_weight("meta") + request_weight("candleSnapshot", table.num_rows)


class _Answer:
    status_code = 200

    def __init__(self, content: bytes):
        self.content = content


class _Session:
    """Answers every POST with one body."""

    def __init__(self, content: bytes):
        self.content, self.posts = content, 0

    def post(self, url, data, timeout):
        self.posts += 1
        return _Answer(self.content)


@pytest.mark.parametrize(
    "content, problem",
    [
        (_mutated(lambda rows: rows[5].update(o="0.00x1")), r"candles\[5\]\.o: expected a decimal string"),
        (_mutated(lambda rows: rows[2].update(n=None)), r"candles\[2\]\.n: expected an integer"),
        (_compact(_rows()).replace(b"},{", b"} {", 1), "invalid JSON"),
    ],
)
def test_a_body_the_fast_path_refuses_is_judged_by_the_strict_one(content, problem):
    client = InfoClient("http://127.0.0.1:9", max_retries=1, sleep=lambda _: None)
    client._universe = frozenset({"kPEPE"})
    session = client._http._local.session = _Session(content)
    with pytest.raises(MalformedResponseError, match=problem):
        client.candles("kPEPE", "1h", 1684699200000, 1684782000000)
    assert session.posts == 2  # retried as a whole, as any malformed response is

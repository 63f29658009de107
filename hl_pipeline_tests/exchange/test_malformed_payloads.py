import copy

import pytest

from hl_pipeline.exchange.account_payloads import parse_clearinghouse_state, parse_fills
from hl_pipeline.exchange.book_payloads import parse_l2_book
from hl_pipeline.exchange.errors import MalformedResponseError
from hl_pipeline.exchange.parsing import to_float
from hl_pipeline.exchange.series_payloads import parse_candles, parse_funding
from hl_pipeline.exchange.universe_payloads import parse_meta, parse_meta_and_asset_ctxs
from hl_pipeline_tests.exchange.recordings import response

REQ = {"type": "candleSnapshot", "req": {"coin": "kPEPE", "interval": "1h", "startTime": 1, "endTime": 2}}


def _candles():
    return copy.deepcopy(response("test_get_candles_snapshot", "candleSnapshot")[1])


@pytest.mark.parametrize(
    "mutate, problem",
    [
        (lambda rows: rows[3].pop("c"), "candles[3] lacks 'c'"),
        (lambda rows: rows[5].update(o="0.00x1"), "candles[5].o: expected a decimal string, got '0.00x1'"),
        (lambda rows: rows[0].update(h="inf"), "candles[0].h: decimal string 'inf' is not finite"),
        (lambda rows: rows[1].update(v="NaN"), "candles[1].v: decimal string 'NaN' is not finite"),
        (lambda rows: rows[2].update(t="1684706400000"), "candles[2].t: expected an integer"),
        (lambda rows: rows[2].update(n=1.5), "candles[2].n: expected an integer"),
        (lambda rows: rows[4].update(c=0.0016), "candles[4].c: expected a decimal string"),
        (lambda rows: rows[6].update(s="BTC"), "candles[6].s is 'BTC', expected 'kPEPE'"),
        (lambda rows: rows.__setitem__(7, "oops"), "candles[7] should be a JSON object"),
    ],
)
def test_bad_candle_rows_are_rejected_naming_the_request(mutate, problem):
    rows = _candles()
    mutate(rows)
    with pytest.raises(MalformedResponseError) as err:
        parse_candles(rows, 0, REQ, coin="kPEPE", interval="1h")
    assert problem in str(err.value)
    assert "candleSnapshot" in str(err.value) and "kPEPE" in str(err.value)
    assert err.value.request_type == "candleSnapshot"


def test_wrong_top_level_types():
    with pytest.raises(MalformedResponseError, match=r"fundingHistory.*should be a JSON array"):
        parse_funding({"error": "x"}, 0, {"type": "fundingHistory", "coin": "BTC"})
    with pytest.raises(MalformedResponseError, match=r"meta.*lacks 'universe'"):
        parse_meta({}, {"type": "meta"})
    with pytest.raises(MalformedResponseError, match=r"expected \[meta, contexts\]"):
        parse_meta_and_asset_ctxs([{"universe": []}, [], []])
    with pytest.raises(MalformedResponseError, match="1 contexts for 2 assets"):
        parse_meta_and_asset_ctxs(
            [{"universe": [{"name": "A", "szDecimals": 0, "maxLeverage": 3}] * 2}, [{}]]
        )


def test_funding_bad_rate_and_bad_premium():
    good = {"coin": "BTC", "fundingRate": "0.0001", "premium": "0.0002", "time": 5}
    with pytest.raises(MalformedResponseError, match=r"funding\[1\].fundingRate"):
        parse_funding([good, {**good, "fundingRate": None}], 0)
    with pytest.raises(MalformedResponseError, match=r"funding\[0\].premium.*'abc'"):
        parse_funding([{**good, "premium": "abc"}], 0)


def test_book_fills_state_malformed():
    req, book = response("test_get_l2_snapshot", "l2Book")
    bad = copy.deepcopy(book)
    bad["levels"][0][2]["px"] = "two"
    with pytest.raises(MalformedResponseError, match=r"l2Book.*bids\[2\].px"):
        parse_l2_book(bad, req)
    flipped = copy.deepcopy(book)
    flipped["levels"][0].reverse()
    with pytest.raises(MalformedResponseError, match="descending"):
        parse_l2_book(flipped, req)
    req, fills = response("test_get_user_fills", "userFills")
    broken = copy.deepcopy(fills[:3])
    broken[1]["crossed"] = "yes"
    with pytest.raises(MalformedResponseError, match=r"userFills.*fills\[1\].crossed"):
        parse_fills(broken, req)
    req, state = response("test_get_user_state", "clearinghouseState")
    del state["marginSummary"]
    with pytest.raises(MalformedResponseError, match=r"clearinghouseState.*lacks 'marginSummary'"):
        parse_clearinghouse_state(state, req)


@pytest.mark.parametrize("text", ["1.5", "-0.001604", "520665683.0", "1e-5", "0"])
def test_to_float_accepts_decimal_strings(text):
    assert to_float(text) == float(text)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "", " 1", "1_000", "abc", 1.5, None, True])
def test_to_float_rejects_everything_else(value):
    with pytest.raises(ValueError):
        to_float(value)

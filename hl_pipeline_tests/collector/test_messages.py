"""WebSocket trades to rows: the collector's decimal check accepts exactly what the exchange client's does."""

import pytest

from hl_pipeline.collector.messages import decimal, trade_row
from hl_pipeline.exchange.parsing import to_float

DECIMALS = ["107275.0", "0.02023", "-1.5", "+2", "1.", ".5", "1e5", "1E-3", "+.5e+2", "0", "1e-999", "١٢"]
NOT_DECIMALS = [
    "", " 1.5", "1.5 ", "\t2", "1_000", "nan", "NaN", "inf", "-Infinity", "1e999", ".", "e5", ".e5",
    "1.5.5", "0x10", "1e", "+", "\u22125", 1.5, 2, None, b"1.5",
]  # fmt: skip
TRADE = {
    "coin": "BTC",
    "side": "B",
    "px": "107275.0",
    "sz": "0.02023",
    "time": 1796176949949,
    "hash": "0xabc",
    "tid": 541697092585542,
    "users": ["0xbuyer", "0xseller"],
}


@pytest.mark.parametrize("text", DECIMALS)
def test_a_decimal_string_gives_the_same_float_as_the_client_parser(text):
    assert decimal(text) == to_float(text)


@pytest.mark.parametrize("text", NOT_DECIMALS)
def test_what_the_client_parser_refuses_is_refused(text):
    with pytest.raises(ValueError):
        to_float(text)
    with pytest.raises(ValueError):
        decimal(text)


def test_a_trade_becomes_a_row_in_schema_order():
    assert trade_row(TRADE, 7) == (
        "BTC", 1796176949949, 107275.0, 0.02023, "B", 541697092585542, "0xabc", "0xbuyer", "0xseller", 7,
    )  # fmt: skip


@pytest.mark.parametrize(
    "field, value",
    [("coin", 1), ("side", None), ("hash", 5), ("users", ["0xa", 2]), ("users", ["0xa"]), ("px", "1_0")],
)
def test_a_malformed_trade_raises(field, value):
    with pytest.raises((TypeError, ValueError)):
        trade_row({**TRADE, field: value}, 7)

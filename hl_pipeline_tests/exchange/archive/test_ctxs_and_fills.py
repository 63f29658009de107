"""asset_ctxs and node_fills_by_block readers on small synthetic lz4 files."""

from __future__ import annotations

import json

import pytest

from hl_pipeline.exchange.archive import ArchiveFormatError, read_asset_ctxs, read_node_fills, write_lz4_lines

HEADER = (
    "time,coin,funding,open_interest,prev_day_px,day_ntl_vlm,premium,oracle_px,mark_px,mid_px,"
    "impact_bid_px,impact_ask_px"
)


def _write(tmp_path, name, lines):
    path = tmp_path / name
    write_lz4_lines(path, lines)
    return path


def test_asset_ctxs(tmp_path):
    path = _write(
        tmp_path,
        "20240101.csv.lz4",
        [
            HEADER,
            "2024-01-01T00:00:00Z,BTC,0.0000125,5000.5,42000.0,1.5e9,0.0001,42010.0,42011.5,42011.0,42012.0,42010.0",
            "2024-01-01T00:01:00,ETH,-0.00001,100,2300,1000,,2301,2302,,,",
        ],
    )
    with path.open("rb") as f:
        rows = read_asset_ctxs(f).to_pylist()
    assert [r["coin"] for r in rows] == ["BTC", "ETH"]
    assert (
        rows[0]["time"].value == 1_704_067_200_000_000_000
        and rows[1]["time"].value == 1_704_067_260_000_000_000
    )
    assert (
        rows[0]["day_ntl_vlm"] == 1.5e9 and rows[0]["mark_px"] == 42011.5 and rows[1]["funding"] == -0.00001
    )
    assert rows[1]["premium"] is None and rows[1]["mid_px"] is None and rows[1]["oracle_px"] == 2301.0


def test_asset_ctxs_bad_header_and_bad_number(tmp_path):
    path = _write(tmp_path, "a.csv.lz4", ["time,coin,funding", "x"])
    with path.open("rb") as f, pytest.raises(ArchiveFormatError, match="line 1: header"):
        read_asset_ctxs(f)
    ok = "2024-01-01T00:00:00,BTC,0.1,1,1,1,0,1,1,1,1,1"
    path = _write(tmp_path, "b.csv.lz4", [HEADER, ok, ok.replace(",0.1,", ",nan,")])
    with path.open("rb") as f, pytest.raises(ArchiveFormatError, match="line 3: funding"):
        read_asset_ctxs(f, source="asset_ctxs/20240101.csv.lz4")
    with path.open("rb") as f:
        table, bad = read_asset_ctxs(f, on_error="record")
    assert table.num_rows == 1 and [b.line for b in bad] == [3]


def _fill(**over):
    fill = {
        "coin": "BTC",
        "px": "42000.5",
        "sz": "0.01",
        "side": "B",
        "time": 1_704_067_200_123,
        "startPosition": "0.0",
        "dir": "Open Long",
        "closedPnl": "0.0",
        "hash": "0xabc",
        "oid": 11,
        "crossed": True,
        "fee": "0.21",
        "tid": 99,
        "feeToken": "USDC",
        "twapId": None,
    }
    fill.update(over)
    return fill


def _block(number, events):
    return json.dumps(
        {
            "local_time": "2025-11-30T00:00:00.5",
            "block_time": "2025-11-30T00:00:00.123456789",
            "block_number": number,
            "events": events,
        }
    )


def test_node_fills(tmp_path):
    path = _write(
        tmp_path,
        "0.lz4",
        [
            _block(
                7,
                [
                    ["0xbuyer", _fill()],
                    [
                        "0xseller",
                        _fill(
                            side="A",
                            crossed=False,
                            fee="-0.01",
                            dir="Open Short",
                            cloid="0x01",
                            builderFee="0.001",
                        ),
                    ],
                ],
            ),
            _block(8, []),
            _block(
                9, [["0xliq", _fill(coin="ETH", liquidation={"method": "market", "markPx": "1"}, tid=100)]]
            ),
        ],
    )
    with path.open("rb") as f:
        rows = read_node_fills(f).to_pylist()
    assert [(r["block_number"], r["user"], r["side"]) for r in rows] == [
        (7, "0xbuyer", "B"),
        (7, "0xseller", "A"),
        (9, "0xliq", "B"),
    ]
    assert (
        rows[0]["px"] == 42000.5
        and rows[0]["sz"] == 0.01
        and rows[0]["crossed"] is True
        and rows[0]["oid"] == 11
    )
    assert (
        rows[0]["time"].timestamp() == 1_704_067_200.123
        and rows[0]["block_time"].value == 1_764_460_800_123_456_789
    )
    assert rows[1]["fee"] == -0.01 and rows[1]["cloid"] == "0x01" and rows[1]["builder_fee"] == 0.001
    assert rows[0]["cloid"] is None and rows[0]["twap_id"] is None and rows[0]["fee_token"] == "USDC"
    assert json.loads(rows[2]["liquidation"]) == {"method": "market", "markPx": "1"} and rows[2]["tid"] == 100


@pytest.mark.parametrize(
    "fill, problem",
    [
        (_fill(px=42000.5), "events[0].fill.px"),
        (_fill(side="S"), "events[0].fill.side"),
        ({k: v for k, v in _fill().items() if k != "tid"}, "lacks 'tid'"),
        (_fill(oid="11"), "events[0].fill.oid"),
    ],
)
def test_node_fills_malformed(tmp_path, fill, problem):
    path = _write(tmp_path, "1.lz4", [_block(1, [["0xa", _fill()]]), _block(2, [["0xa", fill]])])
    with path.open("rb") as f, pytest.raises(ArchiveFormatError) as info:
        read_node_fills(f, source="node_fills_by_block/hourly/20251130/1.lz4")
    assert "node_fills_by_block/hourly/20251130/1.lz4 line 2" in str(info.value) and problem in str(
        info.value
    )

"""l2Book archive: the real BTC hour from S3, the writer round trip, malformed lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import lz4.frame
import pyarrow.compute as pc
import pytest

from hl_pipeline.exchange.archive import (
    ArchiveFormatError,
    L2Snapshot,
    l2_line,
    read_l2_snapshots,
    write_l2_archive,
    write_lz4_lines,
)
from hl_pipeline.exchange.errors import MalformedResponseError

REAL = Path("/work/shared/fixtures/hyperliquid/s3_archive/market_data/20240101/12/l2Book/BTC.lz4")


@pytest.fixture(scope="module")
def real_lines() -> list[bytes]:
    return lz4.frame.decompress(REAL.read_bytes()).splitlines()


@pytest.fixture(scope="module")
def real_table():
    with REAL.open("rb") as f:
        return read_l2_snapshots(f, "BTC")


def test_real_file_one_snapshot_per_line(real_lines, real_table):
    assert len(real_lines) == 5587
    snapshots = real_table.group_by(["time", "capture_time"]).aggregate([]).num_rows
    assert snapshots == len(real_lines)
    assert real_table.num_rows == 40 * len(real_lines)


def test_real_file_levels_and_order(real_table):
    rows = real_table.to_pydict()
    n_snap = real_table.num_rows // 40
    for s in range(n_snap):
        base = s * 40
        assert rows["side"][base : base + 40] == ["bid"] * 20 + ["ask"] * 20
        assert rows["level"][base : base + 40] == list(range(20)) * 2
        bids, asks = rows["px"][base : base + 20], rows["px"][base + 20 : base + 40]
        assert all(a > b for a, b in zip(bids, bids[1:])), f"bids not descending in snapshot {s}"
        assert all(a < b for a, b in zip(asks, asks[1:])), f"asks not ascending in snapshot {s}"
        assert bids[0] < asks[0]


def test_real_file_first_level_matches_raw_json(real_lines, real_table):
    raw = json.loads(real_lines[0])
    first_bid = raw["raw"]["data"]["levels"][0][0]
    first = real_table.slice(0, 1).to_pylist()[0]
    assert first["px"] == float(first_bid["px"]) and first["sz"] == float(first_bid["sz"])
    assert first["n"] == first_bid["n"]
    assert first["time"].timestamp() * 1000 == raw["raw"]["data"]["time"]
    assert first["capture_time"].value == 1704110401138942031  # 2024-01-01T12:00:01.138942031 UTC


def test_real_file_exchange_times_increase(real_table):
    times = pc.unique(real_table["time"]).cast("int64").to_pylist()
    assert len(times) == 5587
    assert all(a < b for a, b in zip(times, times[1:]))


def test_writer_reproduces_real_lines_byte_for_byte(real_lines, tmp_path):
    path = tmp_path / "BTC.lz4"
    write_l2_archive(path, (L2Snapshot.from_line(line) for line in real_lines[:200]))
    assert lz4.frame.decompress(path.read_bytes()).splitlines() == real_lines[:200]


def _snap(i: int, coin: str = "ETH") -> L2Snapshot:
    bids = [(f"{2000 - i - k}.5", f"{k + 1}.25", k + 1) for k in range(3)]
    asks = [(f"{2001 - i + k}.5", f"0.{k + 1}", 1) for k in range(2)]
    return L2Snapshot(f"2024-03-01T00:00:0{i}.00000000{i}", coin, 1_709_251_200_000 + 1000 * i, bids, asks)


def test_round_trip_synthetic(tmp_path):
    path = tmp_path / "market_data/20240301/0/l2Book/ETH.lz4"
    assert write_l2_archive(path, [_snap(i) for i in range(3)]) == 3
    with path.open("rb") as f:
        table = read_l2_snapshots(f, "ETH")
    assert table.num_rows == 3 * 5
    rows = table.to_pylist()
    assert [r["side"] for r in rows[:5]] == ["bid"] * 3 + ["ask"] * 2
    assert rows[6]["px"] == 1998.5 and rows[6]["sz"] == 2.25 and rows[6]["n"] == 2 and rows[6]["level"] == 1
    assert rows[5]["time"].timestamp() == 1_709_251_201
    assert rows[10]["capture_time"].value == 1_709_251_202_000_000_002


def _archive(lines: list[str]) -> io.BytesIO:
    buf = io.BytesIO()
    with lz4.frame.open(buf, "wb") as out:
        out.write("".join(line + "\n" for line in lines).encode())
    buf.seek(0)
    return buf


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("{not json", "not JSON"),
        (l2_line(_snap(1)).replace('"px":"1999.5"', '"px":"abc"'), "bids[0]"),
        (l2_line(_snap(1)).replace('"coin":"ETH"', '"coin":"BTC"'), "coin"),
        (l2_line(_snap(1)).replace('"ver_num":1', '"ver_num":2'), "ver_num"),
        (l2_line(_snap(1)).replace('"n":1', '"n":"1"', 1), ".n"),
        (
            l2_line(_snap(1)).replace('"time":"2024-03-01T00:00:01.000000001"', '"time":"yesterday"'),
            "ISO time",
        ),
    ],
)
def test_malformed_line_names_source_and_line(bad, problem):
    stream = _archive([l2_line(_snap(0)), l2_line(_snap(2)), bad])
    with pytest.raises(ArchiveFormatError) as info:
        read_l2_snapshots(stream, "ETH", source="market_data/20240301/0/l2Book/ETH.lz4")
    assert isinstance(info.value, MalformedResponseError)
    assert info.value.line == 3 and "line 3" in str(info.value)
    assert "market_data/20240301/0/l2Book/ETH.lz4" in str(info.value) and problem in str(info.value)


def test_record_mode_returns_bad_lines_and_keeps_good_ones():
    stream = _archive([l2_line(_snap(0)), "garbage", "", l2_line(_snap(2))])
    table, bad = read_l2_snapshots(stream, "ETH", source="k", on_error="record")
    assert [b.line for b in bad] == [2, 3] and all(b.source == "k" for b in bad)
    assert table.num_rows == 10


def test_source_defaults_to_file_name(tmp_path):
    path = tmp_path / "x.lz4"
    write_lz4_lines(path, ["[]"])
    with path.open("rb") as f, pytest.raises(ArchiveFormatError, match=r"x\.lz4 line 1"):
        read_l2_snapshots(f, "ETH")

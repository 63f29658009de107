"""Archive keys, transfer plans on a local archive, credentials that never print their secret."""

from __future__ import annotations

import datetime as dt

import pytest

from hl_pipeline.exchange.archive import (
    ArchiveAccessError,
    ArchiveKey,
    LocalArchive,
    asset_ctxs_key,
    l2_book_key,
    node_fills_key,
    parse_key,
)
from hl_pipeline.exchange.archive.credentials import Credentials


def test_keys_unpadded_hour_and_round_trip():
    assert l2_book_key(dt.date(2023, 9, 16), 9, "SOL") == "market_data/20230916/9/l2Book/SOL.lz4"
    assert l2_book_key("20240101", 0, "kPEPE") == "market_data/20240101/0/l2Book/kPEPE.lz4"
    assert asset_ctxs_key("2024-01-01") == "asset_ctxs/20240101.csv.lz4"
    assert node_fills_key(dt.date(2025, 11, 30), 5) == "node_fills_by_block/hourly/20251130/5.lz4"
    assert parse_key("market_data/20240101/12/l2Book/BTC.lz4") == ArchiveKey(
        "l2Book", dt.date(2024, 1, 1), 12, "BTC"
    )
    assert parse_key("asset_ctxs/20240101.csv.lz4") == ArchiveKey("asset_ctxs", dt.date(2024, 1, 1))
    assert parse_key(node_fills_key("20251130", 23)) == ArchiveKey(
        "node_fills_by_block", dt.date(2025, 11, 30), 23
    )


@pytest.mark.parametrize(
    "bad",
    [
        "market_data/20240101/09/l2Book/BTC.lz4",
        "market_data/20240101/24/l2Book/BTC.lz4",
        "market_data/20241301/1/l2Book/BTC.lz4",
        "candles/20240101.lz4",
    ],
)
def test_parse_key_rejects(bad):
    with pytest.raises(ValueError):
        parse_key(bad)


@pytest.mark.parametrize("hour", [24, -1, "9", 9.0])
def test_bad_hour(hour):
    with pytest.raises(ValueError):
        l2_book_key("20240101", hour, "BTC")


def test_plan_bytes_and_cost_on_local_archive(tmp_path):
    keys = [l2_book_key("20240101", h, "BTC") for h in (1, 2)]
    for key, size in zip(keys, (1_500_000_000, 500_000_000)):
        path = tmp_path.joinpath(*key.split("/"))
        path.parent.mkdir(parents=True)
        with path.open("wb") as f:
            f.truncate(size)  # sparse file: the size is what matters
    archive = LocalArchive(tmp_path, price_per_gb=0.09)
    plan = archive.plan([*keys, l2_book_key("20240101", 3, "BTC")])
    assert plan.total_bytes == 2_000_000_000
    assert plan.estimated_cost == pytest.approx(0.18)
    assert plan.missing == ("market_data/20240101/3/l2Book/BTC.lz4",)
    text = plan.describe().splitlines()
    assert len(text) == 4 and "1,500,000,000 B  market_data/20240101/1/l2Book/BTC.lz4" in text[0]
    assert "MISSING" in text[2] and "$0.1800" in text[3] and "2 objects" in text[3]
    assert [o.key for o in archive.list("market_data/")] == keys


def test_download_prints_plan_first_and_refuses_over_budget(tmp_path):
    src = LocalArchive(tmp_path / "src", price_per_gb=0.09)
    key = l2_book_key("20240101", 4, "ETH")
    (tmp_path / "src").joinpath(*key.split("/")).parent.mkdir(parents=True)
    (tmp_path / "src").joinpath(*key.split("/")).write_bytes(b"x" * 1000)
    said: list[str] = []
    with pytest.raises(ArchiveAccessError, match="exceeds max_cost"):
        src.download([key], tmp_path / "dst", echo=said.append, max_cost=0.0)
    assert said and not (tmp_path / "dst").exists()
    plan = src.download([key], tmp_path / "dst", echo=said.append)
    assert plan.total_bytes == 1000 and LocalArchive(tmp_path / "dst").size(key) == 1000


def test_credentials_never_print_the_secret():
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok-123")
    assert "wJal" not in repr(creds) and "tok-123" not in repr(creds) and "AKID" in repr(creds)

"""Archive keys, transfer plans on a local archive, S3 signing and the no-credentials guard."""

from __future__ import annotations

import datetime as dt

import pytest

from hl_pipeline.exchange.archive import (
    ArchiveAccessError,
    ArchiveKey,
    LocalArchive,
    S3Archive,
    asset_ctxs_key,
    l2_book_key,
    node_fills_key,
    parse_key,
)
from hl_pipeline.exchange.archive.sigv4 import EMPTY_SHA256, Credentials, sign


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


class _NoNetwork:
    def __init__(self):
        self.calls = []

    def request(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        raise AssertionError("no request may be sent without credentials")


def test_s3_without_credentials_is_clear_and_sends_nothing():
    session = _NoNetwork()
    archive = S3Archive("hyperliquid-archive", environ={}, session=session)
    for call in (
        lambda: archive.plan([l2_book_key("20240101", 12, "BTC")]),
        lambda: archive.open("asset_ctxs/20240101.csv.lz4"),
        lambda: list(archive.list("market_data/")),
    ):
        with pytest.raises(ArchiveAccessError, match="AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
            call()
    assert session.calls == []


class _Recorder:
    def __init__(self, status=200, headers=None):
        self.calls, self.status, self.headers = [], status, headers or {"Content-Length": "309355"}

    def request(self, method, url, headers, stream, timeout):
        self.calls.append((method, url, headers))
        return type(
            "R", (), {"status_code": self.status, "headers": self.headers, "request": None, "text": ""}
        )()


def test_s3_signed_request_carries_requester_pays():
    session = _Recorder()
    archive = S3Archive(
        environ={"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "tok"},
        session=session,
    )
    plan = archive.plan(["market_data/20240101/12/l2Book/BTC.lz4"])
    assert plan.total_bytes == 309355 and plan.estimated_cost == pytest.approx(309355 / 1e9 * 0.09)
    method, url, headers = session.calls[0]
    assert (method, url) == (
        "HEAD",
        "https://hyperliquid-archive.s3.us-east-1.amazonaws.com/market_data/20240101/12/l2Book/BTC.lz4",
    )
    assert headers["x-amz-request-payer"] == "requester" and headers["x-amz-security-token"] == "tok"
    assert (
        "x-amz-request-payer" in headers["Authorization"]
        and "x-amz-security-token" in headers["Authorization"]
    )
    assert (
        S3Archive(environ={}, session=_Recorder(404), credentials=Credentials("a", "b")).size(
            "asset_ctxs/x.csv.lz4"
        )
        is None
    )


def test_sigv4_matches_aws_docs_s3_get_object_example():
    # docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object"
    creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    headers = sign(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        {"Range": "bytes=0-9", "x-amz-content-sha256": EMPTY_SHA256},
        creds,
        "us-east-1",
        "s3",
        dt.datetime(2013, 5, 24, tzinfo=dt.UTC),
    )
    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_sigv4_matches_aws_test_suite_query_order():
    # AWS SigV4 test suite, get-vanilla-query-order-key-case
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    headers = sign(
        "GET",
        "https://example.amazonaws.com/?Param2=value2&Param1=value1",
        {},
        creds,
        "us-east-1",
        "service",
        dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.UTC),
    )
    assert headers["Authorization"].endswith(
        "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
    )
    assert repr(creds).count("wJal") == 0

"""The S3 archive through obstore against real servers on loopback: moto's S3 for sizes, listing,
streaming and downloads of the real recorded archive file; a recording server for what is sent."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from typing import ClassVar

import obstore
import pytest
from obstore.store import S3Store

from hl_pipeline.exchange.archive import (
    ArchiveAccessError,
    LocalArchive,
    S3Archive,
    l2_book_key,
    read_l2_snapshots,
)
from hl_pipeline.exchange.archive.credentials import Credentials
from hl_pipeline_tests.s3_server import CREDENTIALS, moto_s3

FIXTURES = Path("/work/shared/fixtures/hyperliquid/s3_archive")
KEY = "market_data/20240101/12/l2Book/BTC.lz4"


@pytest.fixture(scope="module")
def bucket():
    """moto with the recorded archive file, and two more objects, in bucket `hl-test`."""
    with moto_s3("hl-test") as endpoint:
        store = S3Store(
            "hl-test",
            endpoint=endpoint,
            region="us-east-1",
            access_key_id="testing",
            secret_access_key="testing",
            virtual_hosted_style_request=False,
            client_options={"allow_http": True},
        )
        obstore.put(store, KEY, (FIXTURES / KEY).read_bytes())
        obstore.put(store, "market_data/20240101/13/l2Book/BTC.lz4", b"x" * 10)
        obstore.put(store, "market_data/2024010/other", b"y")
        yield endpoint


def _archive(endpoint: str, **kw) -> S3Archive:
    return S3Archive("hl-test", endpoint=endpoint, requester_pays=False, environ=CREDENTIALS, **kw)


def test_sizes_plans_and_lists_with_s3_prefix_semantics(bucket):
    archive = _archive(bucket, price_per_gb=0.09)
    size = (FIXTURES / KEY).stat().st_size
    assert archive.size(KEY) == size and archive.size("market_data/20240101/14/l2Book/BTC.lz4") is None
    plan = archive.plan([KEY, "market_data/20240101/14/l2Book/BTC.lz4"])
    assert plan.total_bytes == size and plan.missing == ("market_data/20240101/14/l2Book/BTC.lz4",)
    assert "s3://hl-test" in plan.describe() and f"{size:,} B" in plan.describe()
    # a prefix that ends inside a path segment matches as S3 matches it
    listed = {o.key: o.size for o in archive.list("market_data/2024010")}
    assert listed == {KEY: size, "market_data/20240101/13/l2Book/BTC.lz4": 10, "market_data/2024010/other": 1}
    assert [o.key for o in archive.list("market_data/20240101/13/")] == [
        "market_data/20240101/13/l2Book/BTC.lz4"
    ]


def test_a_streamed_object_reads_as_the_local_file_does_and_downloads_whole(bucket, tmp_path):
    archive = _archive(bucket)
    with archive.open(KEY) as stream:
        remote = read_l2_snapshots(stream, "BTC")
    with (FIXTURES / KEY).open("rb") as f:
        local = read_l2_snapshots(f, "BTC")
    assert remote.num_rows > 100_000 and remote.equals(local)
    said: list[str] = []
    archive.download([KEY], tmp_path, echo=said.append)
    assert said and (tmp_path / KEY).read_bytes() == (FIXTURES / KEY).read_bytes()
    assert LocalArchive(tmp_path).size(KEY) == (FIXTURES / KEY).stat().st_size


def test_missing_objects_and_buckets_are_archive_errors_naming_them(bucket):
    with pytest.raises(ArchiveAccessError, match="GET market_data/20240101/14"):
        _archive(bucket).open(l2_book_key("20240101", 14, "BTC")).read()
    with pytest.raises(ArchiveAccessError, match="list 'market_data/' in s3://no-such-bucket"):
        list(S3Archive("no-such-bucket", endpoint=bucket, environ=CREDENTIALS).list("market_data/"))


def test_without_credentials_nothing_is_sent():
    archive = S3Archive("hyperliquid-archive", environ={}, endpoint="http://127.0.0.1:9")
    for call in (
        lambda: archive.plan([KEY]),
        lambda: archive.open("asset_ctxs/20240101.csv.lz4"),
        lambda: list(archive.list("market_data/")),
    ):
        with pytest.raises(ArchiveAccessError, match="AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
            call()
    assert archive._store is None


class _Recording(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_HEAD(self):
        type(self).seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        self.send_response(200)
        self.send_header("Content-Length", "309355")
        self.send_header("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
        self.send_header("ETag", '"abc"')
        self.end_headers()

    def log_message(self, *args):
        pass


def test_every_request_is_signed_and_carries_requester_pays():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recording)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        archive = S3Archive(
            endpoint=f"http://127.0.0.1:{server.server_port}",
            credentials=Credentials("AKIDEXAMPLE", "secret", "token-1"),
        )
        plan = archive.plan([KEY])
    finally:
        server.shutdown()
    assert plan.total_bytes == 309355 and plan.estimated_cost == pytest.approx(309355 / 1e9 * 0.09)
    (sent,) = _Recording.seen
    assert sent["path"] == f"/hyperliquid-archive/{KEY}"
    assert sent["x-amz-request-payer"] == "requester" and sent["x-amz-security-token"] == "token-1"
    auth = sent["authorization"]
    assert (
        auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") and "/us-east-1/s3/aws4_request" in auth
    )
    assert "x-amz-request-payer" in auth and "x-amz-security-token" in auth  # both are signed

"""`S3Archive`: the requester-pays Hyperliquid buckets over plain HTTPS (S3 REST + SigV4).

Every request carries `x-amz-request-payer: requester` (when requester_pays) and is signed
with credentials from the environment; without them the first call raises
ArchiveAccessError before anything is sent. Bucket regions are third-party reports
(UNCONFIRMED); pass `region=` to override.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import quote, urlencode

import requests

from hl_pipeline.exchange.archive.errors import ArchiveAccessError
from hl_pipeline.exchange.archive.sigv4 import EMPTY_SHA256, Credentials, credentials_from_env, sign
from hl_pipeline.exchange.archive.sources import ArchiveObject, ArchiveSource
from hl_pipeline.exchange.errors import excerpt

BUCKET_REGIONS = {"hyperliquid-archive": "us-east-1", "hl-mainnet-node-data": "ap-northeast-1"}
_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


@dataclass
class S3Archive(ArchiveSource):
    bucket: str = "hyperliquid-archive"
    requester_pays: bool = True
    price_per_gb: float = 0.09
    region: str | None = None
    credentials: Credentials | None = None
    environ: Mapping[str, str] | None = None  # where to find credentials (default os.environ)
    session: Any = None  # a requests.Session (or a stand-in in tests)
    timeout: float = 60.0

    def __post_init__(self) -> None:
        self.region = self.resolved_region

    @property
    def resolved_region(self) -> str:
        """`region` if given, else the bucket's reported region (us-east-1 for unknown buckets)."""
        return self.region or BUCKET_REGIONS.get(self.bucket, "us-east-1")

    def describe_source(self) -> str:
        return f"s3://{self.bucket} ({self.region}{', requester pays' if self.requester_pays else ''})"

    def _request(
        self, method: str, key: str = "", query: dict[str, str] | None = None, stream: bool = False
    ) -> requests.Response:
        creds = self.credentials or credentials_from_env(self.environ)  # raises before any I/O
        region = self.resolved_region
        url = f"https://{self.bucket}.s3.{region}.amazonaws.com/{quote(key, safe='/-_.~')}"
        if query:
            url += "?" + urlencode(sorted(query.items()), quote_via=quote, safe="-_.~")
        headers = {"x-amz-content-sha256": EMPTY_SHA256}
        if self.requester_pays:
            headers["x-amz-request-payer"] = "requester"
        self.session = self.session or requests.Session()
        return self.session.request(
            method,
            url,
            headers=sign(method, url, headers, creds, region, "s3"),
            stream=stream,
            timeout=self.timeout,
        )

    def _failed(self, what: str, response: requests.Response) -> ArchiveAccessError:
        body = "" if response.request is None or response.request.method == "HEAD" else response.text
        return ArchiveAccessError(
            f"{what} in s3://{self.bucket}: HTTP {response.status_code} {excerpt(body)}"
        )

    def size(self, key: str) -> int | None:
        response = self._request("HEAD", key)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._failed(f"HEAD {key}", response)
        return int(response.headers["Content-Length"])

    def open(self, key: str) -> BinaryIO:
        """The object's body as a stream (read it in chunks; it is not buffered whole)."""
        response = self._request("GET", key, stream=True)
        if response.status_code != 200:
            raise self._failed(f"GET {key}", response)
        response.raw.decode_content = False
        return response.raw

    def list(self, prefix: str = "") -> Iterator[ArchiveObject]:
        token = None
        while True:
            query = {"list-type": "2", "prefix": prefix, **({"continuation-token": token} if token else {})}
            response = self._request("GET", "", query)
            if response.status_code != 200:
                raise self._failed(f"list {prefix!r}", response)
            root = ET.fromstring(response.content)
            for item in root.iter(f"{_NS}Contents"):
                key, size = item.findtext(f"{_NS}Key"), item.findtext(f"{_NS}Size")
                if key is None or size is None:
                    raise ArchiveAccessError(
                        f"list {prefix!r} in s3://{self.bucket}: an entry lacks Key or Size"
                    )
                yield ArchiveObject(key, int(size))
            token = root.findtext(f"{_NS}NextContinuationToken")
            if root.findtext(f"{_NS}IsTruncated") != "true" or not token:
                return

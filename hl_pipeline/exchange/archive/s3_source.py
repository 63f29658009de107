"""`S3Archive`: the requester-pays Hyperliquid buckets, or any S3-compatible endpoint, through
obstore (the Rust object_store crate's Python binding: signing, retries and listing pagination).

Every request carries `x-amz-request-payer: requester` (when requester_pays) and is signed with
credentials from the environment; without them the first call raises ArchiveAccessError before
anything is sent. Bucket regions are third-party reports (UNCONFIRMED); pass `region=` to
override. `endpoint` points the archive at another server (http allowed), such as a local S3.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from hl_pipeline.exchange.archive.credentials import Credentials, credentials_from_env
from hl_pipeline.exchange.archive.errors import ArchiveAccessError
from hl_pipeline.exchange.archive.sources import ArchiveObject, ArchiveSource

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig, S3Config

BUCKET_REGIONS = {"hyperliquid-archive": "us-east-1", "hl-mainnet-node-data": "ap-northeast-1"}
READ_BUFFER = 8 << 20  # bytes fetched per ranged GET while streaming an object
RETRIES = 3  # per request, with backoff, within `timeout` in all


@dataclass
class S3Archive(ArchiveSource):
    bucket: str = "hyperliquid-archive"
    requester_pays: bool = True
    price_per_gb: float = 0.09
    region: str | None = None
    endpoint: str | None = None  # default: the region's AWS endpoint
    credentials: Credentials | None = None
    environ: Mapping[str, str] | None = None  # where to find credentials (default os.environ)
    timeout: float = 60.0
    _store: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.region = self.resolved_region

    @property
    def resolved_region(self) -> str:
        """`region` if given, else the bucket's reported region (us-east-1 for unknown buckets)."""
        return self.region or BUCKET_REGIONS.get(self.bucket, "us-east-1")

    def describe_source(self) -> str:
        where = f", {self.endpoint}" if self.endpoint else ""
        return f"s3://{self.bucket} ({self.region}{where}{', requester pays' if self.requester_pays else ''})"

    def store(self):
        """The obstore S3Store, built on first use (credentials are checked before anything is sent)."""
        if self._store is None:
            creds = self.credentials or credentials_from_env(self.environ)  # raises before any I/O
            from obstore.store import S3Store

            config: S3Config = {
                "region": self.resolved_region,
                "access_key_id": creds.access_key,
                "secret_access_key": creds.secret_key,
                "request_payer": self.requester_pays,
            }
            if creds.session_token:
                config["session_token"] = creds.session_token
            options: ClientConfig = {"timeout": f"{self.timeout}s"}
            if self.endpoint:
                config |= {"endpoint": self.endpoint, "virtual_hosted_style_request": False}
                options["allow_http"] = self.endpoint.startswith("http://")
            retry: RetryConfig = {"max_retries": RETRIES, "retry_timeout": dt.timedelta(seconds=self.timeout)}
            self._store = S3Store(self.bucket, config=config, client_options=options, retry_config=retry)
        return self._store

    def _failed(self, what: str, error: Exception) -> ArchiveAccessError:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return ArchiveAccessError(f"{what} in s3://{self.bucket}: {type(error).__name__}: {first}")

    def size(self, key: str) -> int | None:
        import obstore

        store = self.store()
        try:
            return int(obstore.head(store, key)["size"])
        except FileNotFoundError:  # obstore's NotFoundError
            return None
        except Exception as e:
            raise self._failed(f"HEAD {key}", e) from e

    def open(self, key: str) -> BinaryIO:
        """The object's body as a stream (read it in chunks; it is fetched in ranged GETs)."""
        import obstore

        store = self.store()
        try:
            reader = obstore.open_reader(store, key, buffer_size=READ_BUFFER)
        except Exception as e:
            raise self._failed(f"GET {key}", e) from e
        return io.BufferedReader(_Raw(reader, lambda e: self._failed(f"GET {key}", e)), READ_BUFFER)

    def list(self, prefix: str = "") -> Iterator[ArchiveObject]:
        """Objects whose key starts with `prefix` (S3's prefix semantics; object_store lists by whole
        path segments, so the listing starts at the prefix's folder and is filtered)."""
        import obstore

        store = self.store()
        folder = prefix.rsplit("/", 1)[0] + "/" if "/" in prefix else None
        try:
            for batch in obstore.list(store, prefix=folder):
                for meta in batch:
                    if meta["path"].startswith(prefix):
                        yield ArchiveObject(meta["path"], int(meta["size"]))
        except Exception as e:
            raise self._failed(f"list {prefix!r}", e) from e


class _Raw(io.RawIOBase):
    """An obstore ReadableFile as a raw binary stream (readinto), its errors as archive errors."""

    def __init__(self, reader, failed):
        self._reader, self._failed = reader, failed

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._reader.read(len(buffer))
        except Exception as e:
            raise self._failed(e) from e
        n = len(data)
        memoryview(buffer)[:n] = memoryview(data)
        return n

    def close(self) -> None:
        if not self.closed:
            self._reader.close()
        super().close()

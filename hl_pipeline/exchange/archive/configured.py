"""An archive source from one setting: "s3" or "s3://BUCKET" for the requester-pays bucket, else a folder."""

from __future__ import annotations

from hl_pipeline.exchange.archive.s3_source import S3Archive
from hl_pipeline.exchange.archive.sources import ArchiveSource, LocalArchive


def archive_source(spec: str, bucket: str) -> ArchiveSource:
    """`spec` "s3" reads `bucket` on S3; "s3://NAME" reads bucket NAME; anything else is a local folder."""
    spec = spec.strip()
    if spec == "s3":
        return S3Archive(bucket=bucket)
    if spec.startswith("s3://"):
        name = spec.removeprefix("s3://").strip("/")
        if not name or "/" in name:
            raise ValueError(f"bad archive location {spec!r}: expected s3://BUCKET")
        return S3Archive(bucket=name)
    if not spec:
        raise ValueError("empty archive location: give a folder, 's3' or 's3://BUCKET'")
    return LocalArchive(spec)

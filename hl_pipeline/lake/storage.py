"""Where the lake lives, chosen by one setting: a local folder or an S3 prefix (`s3://bucket/prefix`, any
S3-compatible endpoint). Paths into an object store are `UPath`s over s3fs; the endpoint and the
credentials come from the standard AWS environment (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, ...),
never from settings files.

On object storage a partition is one object, and one object is replaced atomically: a reader sees the
old object or the new one, never a torn one, so writes go straight to their key (no temporary, no
rename), and a write killed midway leaves nothing visible."""

from __future__ import annotations

import collections
import functools
import os
from pathlib import Path
from typing import Any

from upath import UPath

Location = Path | UPath  # a file or folder of the lake, local or on object storage

OBJECT_STORE = "s3://"


def lake_location(text: str) -> Location:
    """The lake root `text` names: `s3://bucket[/prefix]`, or a folder (made absolute)."""
    if text.startswith(OBJECT_STORE):
        return UPath(text.rstrip("/"), use_listings_cache=False)  # other processes write it too
    return Path(text).resolve()


def is_local(path: Location) -> bool:
    return isinstance(path, Path)


def arrow_args(path: Location) -> tuple[str, Any]:
    """`(path, filesystem)` as pyarrow's readers take them: the path as a string, and the filesystem
    holding it: None for a local file, pyarrow's own S3 client for an object (it reads a dataset's
    files in parallel, about twice as fast as through fsspec here: docs/benchmarks.md)."""
    if isinstance(path, Path):
        return str(path), None
    bucket = path.path.split("/", 1)[0]
    return path.path, _arrow_s3(
        bucket, os.environ.get("AWS_ENDPOINT_URL"), os.environ.get("AWS_DEFAULT_REGION")
    )


def store_path(path: Location) -> str:
    """`path` as its filesystem names it: the local path, or `bucket/key` on object storage."""
    return str(path) if isinstance(path, Path) else path.path


def existing(paths: list[Location]) -> list[Location]:
    """Those of `paths` that exist, in their order. On object storage, where a request is dear, the
    folders holding more than two of them are listed once each instead of asking for every file."""
    if not paths or isinstance(paths[0], Path):
        return [p for p in paths if p.exists()]
    counts = collections.Counter(p.parent.parent for p in paths)
    listed = {f for f, n in counts.items() if n > 2 and isinstance(f, UPath)}
    present = {key for f in listed for key in f.fs.find(f.path)}
    return [p for p in paths if (store_path(p) in present if p.parent.parent in listed else p.exists())]


@functools.cache
def _arrow_s3(bucket: str, endpoint: str | None, region: str | None) -> Any:
    """pyarrow's S3 filesystem for `bucket` at `endpoint` (AWS itself when None, the bucket's region
    then looked up), made once per endpoint; the keys come from the AWS environment. The endpoint is
    passed explicitly: pyarrow reads AWS_ENDPOINT_URL only if it was set before its S3 client began."""
    import pyarrow.fs as pafs

    if endpoint is None:
        return pafs.FileSystem.from_uri(f"s3://{bucket}")[0]
    return pafs.S3FileSystem(endpoint_override=endpoint, region=region or "us-east-1")


def arrow_filesystem(paths: list[Location]) -> Any:
    """The one filesystem holding every one of `paths` (None when they are local)."""
    return arrow_args(paths[0])[1] if paths else None


def relative(path: Location, root: Location) -> str:
    """`path` inside `root`, as a relative POSIX path (e.g. `candles/coin=BTC/date=.../part-0.parquet`)."""
    inside, base = str(path), str(root).rstrip("/") + "/"
    if not inside.startswith(base):
        raise ValueError(f"{inside} is not inside {base}")
    return inside[len(base) :]

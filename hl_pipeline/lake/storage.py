"""Where the lake lives, chosen by one setting: a local folder or an S3 prefix (`s3://bucket/prefix`, any
S3-compatible endpoint). Paths into an object store are `UPath`s over s3fs; the endpoint and the
credentials come from the standard AWS environment (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, ...),
never from settings files.

On object storage a partition is one object, and one object is replaced atomically: a reader sees the
old object or the new one, never a torn one, so writes go straight to their key (no temporary, no
rename), and a write killed midway leaves nothing visible."""

from __future__ import annotations

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
    """`(path, filesystem)` as pyarrow's readers take them: the path as a string, and the fsspec
    filesystem holding it (None for a local file)."""
    if isinstance(path, Path):
        return str(path), None
    return path.path, path.fs


def arrow_filesystem(paths: list[Location]) -> Any:
    """The one filesystem holding every one of `paths` (None when they are local)."""
    return arrow_args(paths[0])[1] if paths else None


def relative(path: Location, root: Location) -> str:
    """`path` inside `root`, as a relative POSIX path (e.g. `candles/coin=BTC/date=.../part-0.parquet`)."""
    inside, base = str(path), str(root).rstrip("/") + "/"
    if not inside.startswith(base):
        raise ValueError(f"{inside} is not inside {base}")
    return inside[len(base) :]

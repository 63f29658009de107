"""The `manifests` table of the catalog: every partition's footer manifest in typed columns.

It replaces a view that read every file's footer at each query (about 650,000 files at 200 coins
x a year). A refresh lists the lake's partition files with their size and modification time
(nanoseconds), keeps the previous catalog's rows for the files that match both, the rule make and
rsync use, and reads the footers of the others only. A file whose footer cannot be read is
quarantined, as every other reader of the lake does."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pyarrow as pa
from upath import UPath

from hl_pipeline.lake.manifest import MANIFEST_KEY
from hl_pipeline.lake.paths import PART_FILE
from hl_pipeline.lake.quarantine import QUARANTINE_DIR, read_or_quarantine
from hl_pipeline.lake.reader import footer
from hl_pipeline.lake.storage import Location
from hl_pipeline.warehouse.sql_text import quoted

log = logging.getLogger(__name__)
FOOTER_THREADS = 8  # footers of an object-store lake fetched at once: each is a round trip or two

_TYPED = (
    "m.manifest->>'dataset' AS dataset, m.manifest->>'coin' AS coin, "
    "CAST(m.manifest->>'date' AS DATE) AS date, CAST(m.manifest->>'rows' AS BIGINT) AS rows, "
    "CAST(m.manifest->>'duplicates_dropped' AS BIGINT) AS duplicates_dropped, "
    "CAST(m.manifest->>'first_time' AS TIMESTAMPTZ) AS first_time, "
    "CAST(m.manifest->>'last_time' AS TIMESTAMPTZ) AS last_time, "
    "CAST(m.manifest->>'ingest_time' AS TIMESTAMPTZ) AS ingest_time, "
    "m.manifest->>'code_version' AS code_version, "
    "m.manifest->>'content_hash' AS content_hash, m.manifest, m.file_name, "
    "l.file_bytes, l.file_mtime_ns"
)
COLUMNS = (
    "dataset, coin, date, rows, duplicates_dropped, first_time, last_time, ingest_time, code_version, "
    "content_hash, manifest, file_name, file_bytes, file_mtime_ns"
)


def listing(lake_root: Location) -> pa.Table:
    """Every partition file under `lake_root` (hidden temporaries and the quarantine left out):
    `file_name` (as `lake_root` spells it), `file_bytes`, `file_mtime_ns`."""
    if not isinstance(lake_root, Path):
        return _object_listing(lake_root)
    names: list[str] = []
    sizes: list[int] = []
    mtimes: list[int] = []
    folders = [str(lake_root)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.startswith(".") or entry.name == QUARANTINE_DIR:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name == PART_FILE:
                    stat = entry.stat()
                    names.append(entry.path)
                    sizes.append(stat.st_size)
                    mtimes.append(stat.st_mtime_ns)
    return pa.table(
        {
            "file_name": pa.array(names, pa.string()),
            "file_bytes": pa.array(sizes, pa.int64()),
            "file_mtime_ns": pa.array(mtimes, pa.int64()),
        }
    )


def _object_listing(lake_root: UPath) -> pa.Table:
    """`listing` of a lake on object storage: one listing of its prefix, times from each object's
    last modification."""
    rows = []
    for key, info in lake_root.fs.find(lake_root.path, detail=True).items():
        parts = key[len(lake_root.path) :].strip("/").split("/")
        if parts[-1] != PART_FILE or parts[0] == QUARANTINE_DIR or any(p.startswith(".") for p in parts):
            continue
        modified = info.get("LastModified") or info.get("mtime")
        mtime_ns = int(modified.timestamp() * 1e9) if hasattr(modified, "timestamp") else int(modified or 0)
        rows.append((f"{lake_root.protocol}://{key}", int(info["size"]), mtime_ns))
    names, sizes, mtimes = zip(*rows, strict=True) if rows else ((), (), ())
    return pa.table(
        {
            "file_name": pa.array(names, pa.string()),
            "file_bytes": pa.array(sizes, pa.int64()),
            "file_mtime_ns": pa.array(mtimes, pa.int64()),
        }
    )


def _kept_from(conn, previous: Path) -> int:
    """Copy the previous catalog's rows of unchanged files into `manifests`; how many."""
    import duckdb

    try:
        conn.execute(f"ATTACH {quoted(previous)} AS previous (READ_ONLY)")
    except duckdb.Error as e:  # unreadable, or held by a writer: every footer is read instead
        log.warning("previous catalog %s not read (%s); reading every footer", previous, e)
        return 0
    try:
        columns = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'previous' "
                "AND table_name = 'manifests' AND NOT internal"
            ).fetchall()
        }
        if not {"file_bytes", "file_mtime_ns"} <= columns:  # none, or the view of an older catalog
            return 0
        conn.execute(
            f"INSERT INTO manifests SELECT {', '.join('p.' + c for c in COLUMNS.split(', '))} "
            "FROM previous.main.manifests p JOIN lake_listing l ON p.file_name = l.file_name "
            "AND p.file_bytes = l.file_bytes AND p.file_mtime_ns = l.file_mtime_ns"
        )
        return conn.execute("SELECT count(*) FROM manifests").fetchone()[0]
    finally:
        conn.execute("DETACH previous")


def _insert_footers(conn, files: list[str]) -> None:
    conn.execute(
        f"INSERT INTO manifests SELECT {_TYPED} FROM (SELECT file_name, CAST(decode(value) AS JSON) AS "
        "manifest FROM parquet_kv_metadata(?) "
        f"WHERE decode(key) = '{MANIFEST_KEY.decode()}') AS m JOIN lake_listing l USING (file_name)",
        [files],
    )


def _insert_object_footers(conn, lake_root: Location, files: list[str]) -> list[str]:
    """`_insert_footers` for a lake on object storage: the footers fetched by pyarrow's S3 client, a
    few at a time (DuckDB would read each through fsspec, about 25 ms a file here), a corrupt object
    quarantined; returns the files read."""
    from concurrent.futures import ThreadPoolExecutor

    def manifest(name: str) -> bytes | None:  # None: quarantined; b"": a footer without a manifest
        found = read_or_quarantine(lake_root, _located(lake_root, name), footer)
        return None if found is None else (found.metadata or {}).get(MANIFEST_KEY, b"")

    with ThreadPoolExecutor(max_workers=FOOTER_THREADS) as pool:
        read = [
            (n, text) for n, text in zip(files, pool.map(manifest, files), strict=True) if text is not None
        ]
    footers = pa.table(
        {"file_name": [n for n, t in read if t], "manifest": [t.decode() for _, t in read if t]},
        schema=pa.schema([("file_name", pa.string()), ("manifest", pa.string())]),
    )
    conn.register("object_footers", footers)
    try:
        conn.execute(
            f"INSERT INTO manifests SELECT {_TYPED} FROM (SELECT file_name, CAST(manifest AS JSON) AS "
            "manifest FROM object_footers) AS m JOIN lake_listing l USING (file_name)"
        )
    finally:
        conn.unregister("object_footers")
    return [n for n, _ in read]


def _located(lake_root: Location, file_name: str) -> Location:
    """The lake file `listing` spelled `file_name`."""
    return Path(file_name) if isinstance(lake_root, Path) else UPath(file_name)


def refresh_manifests(conn, lake_root: Location, previous: Path | None = None) -> dict[str, int]:
    """(Re)create table `manifests` on `conn` from the lake, reusing the rows of catalog file
    `previous` for unchanged files; returns how many rows were kept and how many footers read."""
    import duckdb

    conn.register("lake_listing", listing(lake_root))
    try:
        conn.execute("DROP VIEW IF EXISTS manifests")  # as a catalog before this table made it
        conn.execute(
            f"CREATE OR REPLACE TABLE manifests AS SELECT {_TYPED} FROM (SELECT NULL::VARCHAR AS file_name, "
            "NULL::JSON AS manifest) AS m JOIN lake_listing l USING (file_name) WHERE false"
        )
        kept = _kept_from(conn, previous) if previous is not None and previous.exists() else 0
        changed = [
            r[0]
            for r in conn.execute(
                "SELECT file_name FROM lake_listing ANTI JOIN manifests USING (file_name) ORDER BY file_name"
            ).fetchall()
        ]
        if changed and not isinstance(lake_root, Path):
            changed = _insert_object_footers(conn, lake_root, changed)
        elif changed:
            try:
                _insert_footers(conn, changed)
            except duckdb.Error:  # a file no reader can open: quarantine it, read the others
                changed = [
                    f
                    for f in changed
                    if read_or_quarantine(lake_root, _located(lake_root, f), footer) is not None
                ]
                if changed:
                    _insert_footers(conn, changed)
        return {"kept": kept, "read": len(changed)}
    finally:
        conn.unregister("lake_listing")

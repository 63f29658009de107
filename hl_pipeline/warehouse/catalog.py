"""Create or replace one view per dataset over the lake, plus `manifests` and `gaps` views.

Manifest times (ISO 8601 strings in the footer JSON) are exposed as TIMESTAMPTZ columns."""

from __future__ import annotations

from pathlib import Path

from hl_pipeline.lake.manifest import MANIFEST_KEY
from hl_pipeline.lake.paths import PART_FILE
from hl_pipeline.lake.schemas import SCHEMAS
from hl_pipeline.lake.temporaries import left_behind, temporary
from hl_pipeline.lake.writer import commit

_GAP_TYPE = (
    '[{"interval":"VARCHAR","channel":"VARCHAR","source":"VARCHAR","cause":"VARCHAR",'
    '"start":"VARCHAR","end":"VARCHAR","bars":"BIGINT","minutes":"BIGINT","exchange_trades":"BIGINT"}]'
)  # candle gaps count bars of an interval; collected streams (trades, l2Book) count minutes and give a cause


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def refresh_catalog(conn, lake_root: Path) -> dict[str, int]:
    """(Re)create the views on `conn` (a DuckDB connection); returns rows per view created."""
    created: dict[str, int] = {}
    datasets = [d for d in SCHEMAS if any((lake_root / d).rglob(PART_FILE))]
    for dataset in datasets:
        glob = _sql_path(lake_root / dataset / "**" / "*.parquet")
        conn.execute(
            f"CREATE OR REPLACE VIEW {dataset} AS "
            f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true, union_by_name = true)"
        )
        created[dataset] = conn.execute(f"SELECT count(*) FROM {dataset}").fetchone()[0]
    if not datasets:
        return created
    glob = _sql_path(lake_root / "**" / "*.parquet")
    conn.execute(
        "CREATE OR REPLACE VIEW manifests AS "
        "SELECT m.manifest->>'dataset' AS dataset, m.manifest->>'coin' AS coin, "
        "CAST(m.manifest->>'date' AS DATE) AS date, CAST(m.manifest->>'rows' AS BIGINT) AS rows, "
        "CAST(m.manifest->>'duplicates_dropped' AS BIGINT) AS duplicates_dropped, "
        "CAST(m.manifest->>'first_time' AS TIMESTAMPTZ) AS first_time, "
        "CAST(m.manifest->>'last_time' AS TIMESTAMPTZ) AS last_time, "
        "CAST(m.manifest->>'ingest_time' AS TIMESTAMPTZ) AS ingest_time, "
        "m.manifest->>'code_version' AS code_version, "
        "m.manifest->>'content_hash' AS content_hash, m.manifest, m.file_name "
        f"FROM (SELECT file_name, CAST(decode(value) AS JSON) AS manifest FROM parquet_kv_metadata('{glob}') "
        f"WHERE decode(key) = '{MANIFEST_KEY.decode()}') AS m"
    )
    conn.execute(
        "CREATE OR REPLACE VIEW gaps AS "
        "SELECT dataset, coin, date, coalesce(g.interval, g.channel) AS interval, g.source, g.cause, "
        "CAST(g.start AS TIMESTAMPTZ) AS gap_start, CAST(g.end AS TIMESTAMPTZ) AS gap_end, "
        "g.bars, g.minutes, g.exchange_trades "
        "FROM (SELECT dataset, coin, date, "
        f"unnest(from_json(manifest->'gaps', '{_GAP_TYPE}')) AS g FROM manifests)"
    )
    for view in ("manifests", "gaps"):
        created[view] = conn.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
    return created


def publish_catalog(database: Path, lake_root: Path) -> dict[str, int]:
    """Build the catalog in a temporary file beside `database` and rename it over the old one: a
    refresh killed midway leaves the previous catalog whole, never an empty or half-made one."""
    import duckdb

    database.parent.mkdir(parents=True, exist_ok=True)
    for stale in database.parent.glob(f".{database.name}.tmp-*"):  # left by a killed refresh
        if left_behind(stale):
            stale.unlink(missing_ok=True)
    tmp = temporary(database)
    try:
        with duckdb.connect(str(tmp)) as conn:
            created = refresh_catalog(conn, lake_root)
            conn.execute("CHECKPOINT")
        commit(tmp, database)
        Path(f"{database}.wal").unlink(missing_ok=True)  # a log of the old file, never of this one
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return created

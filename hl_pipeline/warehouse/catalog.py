"""Create or replace one view per dataset over the lake, the `manifests` table (manifest_table.py), and
`gaps`, `anomalies` and `quarantine` views.

A view of a dataset split by coin adds `market` ("perp" or "spot") and `exchange_coin` (the
exchange's name, e.g. PURR/USDC) from the path's lake key, so one query covers perps and spot;
`gaps` adds `market` too.

Manifest times (ISO 8601 strings in the footer JSON) are exposed as TIMESTAMPTZ columns."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hl_pipeline.lake.coin_keys import EXCHANGE_COIN_SQL, MARKET_SQL
from hl_pipeline.lake.paths import PART_FILE
from hl_pipeline.lake.quarantine import QUARANTINE_DIR, RECORDS, read_or_quarantine, record_files
from hl_pipeline.lake.reader import footer
from hl_pipeline.lake.schemas import SCHEMAS, UNPARTITIONED_BY_COIN
from hl_pipeline.lake.storage import Location, is_local
from hl_pipeline.lake.temporaries import left_behind, temporary
from hl_pipeline.lake.writer import commit
from hl_pipeline.warehouse.anomalies import anomalies_sql
from hl_pipeline.warehouse.manifest_table import refresh_manifests
from hl_pipeline.warehouse.sql_text import quoted

_GAP_TYPE = (
    '[{"interval":"VARCHAR","channel":"VARCHAR","source":"VARCHAR","cause":"VARCHAR",'
    '"start":"VARCHAR","end":"VARCHAR","bars":"BIGINT","minutes":"BIGINT","exchange_trades":"BIGINT",'
    '"venue":"VARCHAR","symbol":"VARCHAR"}]'
)  # candle gaps count bars of an interval; collected streams (trades, l2Book) count minutes and give a
# cause; the venues' gaps name the venue and its symbol


def _view(conn, lake_root: Location, dataset: str) -> bool:
    """Create the view of `dataset`; False when it has no file left. A file DuckDB cannot open (the
    view's binding reads every footer) is quarantined first."""
    import duckdb

    glob = quoted(lake_root / dataset / "**" / "*.parquet")
    keyed = (
        ""
        if dataset in UNPARTITIONED_BY_COIN
        else f", {MARKET_SQL} AS market, {EXCHANGE_COIN_SQL} AS exchange_coin"
    )

    def create() -> bool:
        conn.execute(
            f"CREATE OR REPLACE VIEW {dataset} AS "
            f"SELECT *{keyed} FROM read_parquet({glob}, hive_partitioning = true, union_by_name = true)"
        )
        return True

    try:
        return create()
    except duckdb.Error:
        files: list[Location] = sorted((lake_root / dataset).rglob("*.parquet"), key=str)
        for path in files:
            read_or_quarantine(lake_root, path, footer)
    if not any((lake_root / dataset).rglob(PART_FILE)):
        conn.execute(f"DROP VIEW IF EXISTS {dataset}")
        return False
    return create()


def refresh_catalog(conn, lake_root: Location, previous: Path | None = None) -> dict[str, int]:
    """(Re)create the views and the `manifests` table on `conn` (a DuckDB connection), reading again
    only the footers that changed since catalog file `previous`; returns rows per view and table."""
    made = [d for d in SCHEMAS if any((lake_root / d).rglob(PART_FILE)) and _view(conn, lake_root, d)]
    if not made:
        return {}
    refresh_manifests(conn, lake_root, previous)
    # rows per view from the manifests: a count(*) of each view would read every footer once more
    rows = dict(conn.execute("SELECT dataset, sum(rows) FROM manifests GROUP BY dataset").fetchall())
    created = {dataset: int(rows.get(dataset) or 0) for dataset in made}
    conn.execute(
        "CREATE OR REPLACE VIEW gaps AS "
        "SELECT dataset, coin, date, coalesce(g.interval, g.channel) AS interval, g.source, g.cause, "
        "CAST(g.start AS TIMESTAMPTZ) AS gap_start, CAST(g.end AS TIMESTAMPTZ) AS gap_end, "
        "g.bars, g.minutes, g.exchange_trades, g.venue, g.symbol, "
        f"CASE WHEN coin IS NOT NULL THEN {MARKET_SQL} END AS market "
        "FROM (SELECT dataset, coin, date, "
        f"unnest(from_json(manifest->'gaps', '{_GAP_TYPE}')) AS g FROM manifests)"
    )
    views = ["manifests", "gaps"]
    if (sql := anomalies_sql(list(created))) is not None:  # every integrity event in one view
        conn.execute(sql)
        views.append("anomalies")
    if record_files(lake_root):  # what was moved aside, and why
        records = lake_root / QUARANTINE_DIR / f"{RECORDS}*"
        conn.execute(
            "CREATE OR REPLACE VIEW quarantine AS SELECT CAST(time AS TIMESTAMPTZ) AS time, path, moved_to, "
            f"bytes, error FROM read_json({quoted(records)}, format = 'newline_delimited', "
            "columns = {time: 'VARCHAR', path: 'VARCHAR', moved_to: 'VARCHAR', bytes: 'BIGINT', "
            "error: 'VARCHAR'})"
        )
        views.append("quarantine")
    for view in views:
        created[view] = conn.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
    return created


def attach_lake(conn, lake_root: Location) -> None:
    """Let DuckDB connection `conn` read a lake on object storage (the catalog's views name its
    `s3://` files): register the lake's filesystem, whose endpoint and credentials come from the AWS
    environment. A local lake needs nothing."""
    if not is_local(lake_root):
        conn.register_filesystem(lake_root.fs)  # type: ignore[union-attr]  # is_local said: a UPath


@contextlib.contextmanager
def open_catalog(database: Path, lake_root: Location) -> Iterator[Any]:
    """A read-only DuckDB connection to catalog `database` that can read its lake's files."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as conn:
        attach_lake(conn, lake_root)
        yield conn


def publish_catalog(database: Path, lake_root: Location) -> dict[str, int]:
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
            attach_lake(conn, lake_root)
            created = refresh_catalog(conn, lake_root, database)
            conn.execute("CHECKPOINT")
        commit(tmp, database)
        Path(f"{database}.wal").unlink(missing_ok=True)  # a log of the old file, never of this one
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return created

"""Summaries of written partitions for run metadata and the command line (plain text, no Dagster)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pyarrow as pa

from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.paths import partition_dir
from hl_pipeline.lake.reader import read_head
from hl_pipeline.lake.storage import Location


def markdown_table(rows: Sequence[dict]) -> str:
    """A Markdown table of dicts sharing their keys (first row's order)."""
    if not rows:
        return "_(no rows)_"
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def coverage_by_coin(manifests: Sequence[Manifest]) -> list[dict]:
    """One row per coin: days, rows, missing bars, and what the source could not serve."""
    acc: dict[str, dict] = defaultdict(
        lambda: {"days": 0, "rows": 0, "gap_bars": 0, "gaps": 0, "unavailable": set()}
    )
    for m in manifests:
        a = acc[m.coin or "all"]
        a["days"] += 1
        a["rows"] += m.rows
        a["gap_bars"] += m.gap_bars
        a["gaps"] += len(m.gaps)
        a["unavailable"].update(
            f"{u['interval']}@{m.date}" if u.get("interval") else m.date for u in m.unavailable
        )
    return [
        {
            "coin": coin,
            "days": a["days"],
            "rows": a["rows"],
            "gaps": a["gaps"],
            "missing_bars": a["gap_bars"],
            "unavailable": ", ".join(sorted(a["unavailable"])[:6])
            + (" …" if len(a["unavailable"]) > 6 else "")
            or "-",
        }
        for coin, a in sorted(acc.items())
    ]


def gap_list(manifests: Sequence[Manifest], limit: int = 20) -> list[dict]:
    """The first `limit` gaps across partitions, oldest first."""
    gaps = [{"coin": m.coin or "-", "date": m.date, **_gap_detail(g)} for m in manifests for g in m.gaps]
    return sorted(gaps, key=lambda g: (g["start"], g["coin"]))[:limit]


def _gap_detail(gap: dict) -> dict:
    """A candle gap counts bars and names its source; a stream gap counts minutes and names its cause."""
    detail = {
        k: gap[k] for k in ("interval", "channel", "start", "end", "bars", "minutes", "cause") if k in gap
    }
    return detail if "cause" in gap else {**detail, "source": gap.get("source", "api")}


def preview(table: pa.Table, rows: int = 10) -> str:
    """The first rows of a table as Markdown."""
    return markdown_table(table.slice(0, rows).to_pylist())


def partition_preview(root: Location, manifest: Manifest, rows: int = 10) -> str:
    """The first rows of the partition `manifest` describes, as Markdown headed by its coin and date."""
    table = read_head(root, manifest.dataset, manifest.date, manifest.coin, rows)
    body = preview(table, rows) if table is not None else "_(not written)_"
    return f"`{manifest.coin or ''} {manifest.date}`\n\n{body}"


def dataset_path(root: Location, manifest: Manifest) -> Location:
    """The folder holding every partition of `manifest`'s dataset."""
    return partition_dir(root, manifest.dataset, manifest.date, manifest.coin).parents[
        1 if manifest.coin else 0
    ]

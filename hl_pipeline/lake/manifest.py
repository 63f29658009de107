"""The manifest of one partition, stored in its Parquet footer so data and manifest commit together."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.lake.calendar import iso_ms
from hl_pipeline.lake.versioning import code_version

MANIFEST_KEY = b"hl_pipeline.manifest"


@dataclasses.dataclass
class Manifest:
    """What a partition holds and how complete it is.

    `gaps` lists spans where data was expected but absent (`{"interval", "start", "end",
    "bars"}`); `unavailable` lists what the source could not serve (`{"interval", "reason"}`,
    e.g. beyond the API's candle retention). Missing data is recorded here, never as zeros.
    A derived dataset names the input partitions it read and their content hashes in `inputs`.
    """

    dataset: str
    date: str
    coin: str | None
    rows: int
    first_time: str | None
    last_time: str | None
    duplicates_dropped: int
    source: str
    ingest_time: str
    code_version: str
    gaps: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    unavailable: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    coverage: dict[str, Any] = dataclasses.field(default_factory=dict)
    content_hash: str = ""
    inputs: dict[str, Any] = dataclasses.field(
        default_factory=dict
    )  # derived datasets: {dataset: {"COIN/DATE": content_hash}}
    details: dict[str, Any] = dataclasses.field(
        default_factory=dict
    )  # dataset-specific provenance (features, labels, folds)

    @classmethod
    def for_table(
        cls,
        dataset: str,
        date: str,
        coin: str | None,
        table: pa.Table,
        source: str,
        *,
        duplicates_dropped: int = 0,
        ingest_time: str | None = None,
        **fields: Any,
    ) -> Manifest:
        """The manifest of `table` about to be written: rows and time span from its `time` column,
        ingest time (now unless given) and the code version filled in; `fields` are the rest."""
        times = table.column("time")
        if pa.types.is_timestamp(times.type):  # epoch ms whatever the unit
            times = pc.cast(times, pa.timestamp("ms", times.type.tz), safe=False)
        times = pc.cast(times, pa.int64())
        return cls(
            dataset=dataset,
            date=date,
            coin=coin,
            rows=table.num_rows,
            first_time=iso_ms(pc.min(times).as_py()) if table.num_rows else None,
            last_time=iso_ms(pc.max(times).as_py()) if table.num_rows else None,
            duplicates_dropped=duplicates_dropped,
            source=source,
            ingest_time=ingest_time or dt.datetime.now(dt.UTC).isoformat(),
            code_version=code_version(),
            **fields,
        )

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        return cls(**json.loads(text))

    @property
    def gap_bars(self) -> int:
        return sum(int(g.get("bars", 0)) for g in self.gaps)

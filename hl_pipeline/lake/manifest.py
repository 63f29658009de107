"""The manifest of one partition, stored in its Parquet footer so data and manifest commit together."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

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

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        return cls(**json.loads(text))

    @property
    def gap_bars(self) -> int:
        return sum(int(g.get("bars", 0)) for g in self.gaps)

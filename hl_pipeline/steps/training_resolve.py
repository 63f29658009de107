"""Written training sets checked against the lake, as their checks see them: which inputs changed,
and the rows, folds and label known times the selection resolves to now."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass

from hl_pipeline.errors import ConfigError
from hl_pipeline.lake.calendar import chunks
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.folds import Fold
from hl_pipeline.ml.training_set import (
    LabelledBars,
    Window,
    label_spec_of,
    labelled_bars,
    split_folds,
    split_of,
)
from hl_pipeline.steps.training_inputs import (
    CHECKED_FIELDS,
    InputManifests,
    current_inputs,
    labelled,
    read_inputs,
    span_ms,
    stale,
)
from hl_pipeline.steps.training_sets import SPAN_DAYS, is_selection


@dataclass
class Resolved:
    """A written training set checked against the lake: its inputs that changed, and the rows (times,
    coins, label known times) its selection resolves to now."""

    date: str
    manifest: Manifest
    stale: list[str]
    rows: Window

    @functools.cached_property
    def _split(self) -> tuple[list[Fold], dict]:
        details = self.manifest.details
        spec, split = label_spec_of(details["labels"]), split_of(details["split"])
        try:
            _, folds, record = split_folds(self.rows.times, spec, split)
        except ConfigError as e:  # too few rows left for the folds: nothing to judge leakage on
            return [], {"error": str(e)}
        return folds, record

    @property
    def folds(self) -> list[Fold]:
        """The recorded split's folds over the rows resolved now."""
        return self._split[0]

    def rows_match(self) -> bool:
        """The selection still resolves to the rows and folds recorded when it was built."""
        details = self.manifest.details
        if not len(self.rows.times):
            return details["rows"] == 0
        return self.rows.rows_by_coin() == details["rows_by_coin"] and self._split[1] == details["split"]


def resolve_written(root: Location, dates: list[str]) -> Iterator[tuple[str, Resolved | None]]:
    """Each of `dates` with its written training set resolved against the lake (None: not written);
    the inputs of SPAN_DAYS days are read once for all of them. A partition in the old format (a copy)
    counts as not written."""
    for chunk in chunks(dates, SPAN_DAYS):
        written = {
            d: m
            for d in chunk
            if (m := read_manifest(root, "training_set", d)) is not None and is_selection(m)
        }
        span = sorted(
            {key.split("/")[1] for m in written.values() for named in m.inputs.values() for key in named}
        )
        coins = sorted({c for m in written.values() for c in m.details["coins"]})
        found = InputManifests(root)
        by_spec: dict[str, LabelledBars] = {}
        for date in chunk:
            manifest = written.get(date)
            if manifest is None:
                yield date, None
                continue
            details = manifest.details
            spec = label_spec_of(details["labels"])
            if details.get("frozen"):  # some inputs are snapshots: resolve this one from its own files
                keys, labels = read_inputs(root, manifest, details["coins"], CHECKED_FIELDS)
                bars = LabelledBars(labelled_bars(keys, labels, spec, ["coin", "time"]), spec.horizons_min)
            else:
                key = json.dumps(spec.describe(), sort_keys=True)
                if key not in by_spec:
                    by_spec[key] = labelled(root, span, coins, spec)
                bars = by_spec[key]
            window = sorted({k.split("/")[1] for named in manifest.inputs.values() for k in named}) or [date]
            rows = bars.window(*span_ms(window[0], window[-1]), details["as_of"])
            if set(rows.rows_by_coin()) - set(details["coins"]):
                rows = rows.only(details["coins"])
            current = current_inputs(root, manifest, found.current)
            yield date, Resolved(date, manifest, stale(manifest, current), rows)

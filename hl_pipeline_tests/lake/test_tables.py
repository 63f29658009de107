import pyarrow as pa
import pytest

from hl_pipeline.lake.schemas import CANDLES
from hl_pipeline.lake.tables import conform, content_hash, dedupe_sorted
from hl_pipeline_tests.lake.helpers import candles_1m


def test_dedupe_sorted_drops_repeated_keys_and_sorts():
    t = candles_1m(5)
    doubled = pa.concat_tables([t.slice(3), t, t.slice(0, 2)])
    kept, dropped = dedupe_sorted(doubled, ["interval", "source", "time"])
    assert dropped == 4
    assert kept.column("time").to_pylist() == t.column("time").to_pylist()


def test_content_hash_ignores_ingest_time_only():
    t = candles_1m(5)
    later = t.set_column(
        t.schema.get_field_index("ingest_time"),
        "ingest_time",
        pa.array([0] * 5).cast(CANDLES.field("ingest_time").type),
    )
    assert content_hash(t) == content_hash(later)
    changed = t.set_column(t.schema.get_field_index("close"), "close", pa.array([1.0] * 5))
    assert content_hash(t) != content_hash(changed)


def test_conform_rejects_nulls_in_required_columns():
    t = candles_1m(2)
    bad = t.set_column(t.schema.get_field_index("open"), "open", pa.array([1.0, None]))
    with pytest.raises(ValueError, match="open"):
        conform(bad, CANDLES, "candles")

"""Every lake column is described (field metadata); descriptions never change schemas or hashes."""

import pyarrow as pa
import pytest

from hl_pipeline.lake.schemas import (
    CANDLES,
    COLLECTOR_GAPS,
    DESCRIPTION_KEY,
    GAP_CANDLES,
    PREDICTIONS,
    SCHEMAS,
    describe,
)
from hl_pipeline.lake.tables import conform, content_hash
from hl_pipeline_tests.lake.helpers import candles_1m

ALL = {**SCHEMAS, "collector_gaps": COLLECTOR_GAPS, "gap_candles": GAP_CANDLES}


def _bare(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f.remove_metadata() for f in schema])


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_field_has_a_description(name):
    schema = ALL[name]
    undescribed = [f.name for f in schema if not (f.metadata or {}).get(DESCRIPTION_KEY, b"").strip()]
    assert undescribed == []
    described = describe(schema)
    assert list(described) == schema.names and all(described.values())


def test_describe_by_dataset_name():
    assert describe("candles") == describe(CANDLES)
    assert "UTC" in describe("candles")["time"] and "USD" in describe("candles")["close"]
    with pytest.raises(KeyError):
        describe("no_such_dataset")


def test_predictions_have_no_flat_class():
    assert "prob_flat" not in PREDICTIONS.names
    assert {"prob_down", "prob_up"} <= set(PREDICTIONS.names)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_descriptions_do_not_affect_schema_equality(name):
    schema = SCHEMAS[name]
    assert schema == _bare(schema) and schema.equals(_bare(schema))
    assert not schema.equals(_bare(schema), check_metadata=True)  # they are there, only ignored


def test_descriptions_do_not_change_content_hashes():
    raw = candles_1m(10).cast(_bare(CANDLES))
    described = conform(raw, CANDLES, "candles")
    assert described.schema.field("close").metadata  # the writer's tables carry the descriptions
    assert content_hash(described) == content_hash(raw)


def test_content_hash_is_pinned():
    """The hash every existing partition's manifest records; a change here re-derives the lake."""
    assert content_hash(candles_1m(10)) == "bb3393c0d4020bcbdd8d275dbb887158b307b9fe4a2fbd557f67c1faeb072442"

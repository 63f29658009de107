"""The pipeline fixtures (loopback simulator, temporary lake, Dagster instance) for the integrity job."""

from hl_pipeline_tests.pipeline.conftest import instance, pipeline_env  # noqa: F401

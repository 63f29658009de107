"""The pipeline wired to a loopback simulator and a temporary lake, clock frozen to the simulator's."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import dagster as dg
import pytest

from hl_pipeline.commands.runs import load_definitions
from hl_pipeline.lake.calendar import iso_ms
from hl_pipeline_tests.conftest import TEST_NOW_MS

COINS = "BTC,ETH"


@pytest.fixture
def pipeline_env(simulator, tmp_path, monkeypatch):
    """Environment for one pipeline: returns the lake root."""
    lake = tmp_path / "lake"
    monkeypatch.setenv("HL_API_URL", simulator.base_url)
    monkeypatch.setenv("HL_LAKE_ROOT", str(lake))
    monkeypatch.setenv("HL_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("HL_AS_OF", iso_ms(TEST_NOW_MS))
    monkeypatch.setenv("HL_COINS", COINS)
    return lake


@pytest.fixture
def market_job(pipeline_env):
    return load_definitions().resolve_job_def("market_job")


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def run_range(job, instance, first: str, last: str, **kwargs) -> dg.ExecuteInProcessResult:
    return job.execute_in_process(
        instance=instance,
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
        raise_on_error=False,
        **kwargs,
    )


@contextlib.contextmanager
def webhook_server(ok_path: str):
    """A local webhook: keeps every JSON body posted; answers 204 on `ok_path`, 500 elsewhere.
    Yields (base URL, the bodies received)."""
    received: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204 if self.path == ok_path else 500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()

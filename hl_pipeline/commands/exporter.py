"""`hl-pipeline exporter`: the pipeline's runs, freshness and check results as Prometheus metrics
(on http://HOST:PORT/metrics), for the Dagster instance of DAGSTER_HOME, until SIGTERM or SIGINT."""

from __future__ import annotations

import signal
import threading

from hl_pipeline.settings import Settings


def exporter(settings: Settings, port: int, host: str) -> int:
    import dagster as dg
    from prometheus_client import CollectorRegistry, start_http_server

    from hl_pipeline.commands.pipeline_metrics import PipelineMetrics
    from hl_pipeline.commands.runs import load_definitions

    registry = CollectorRegistry(auto_describe=False)
    with dg.DagsterInstance.get() as instance:
        registry.register(PipelineMetrics(instance, load_definitions(settings)))
        server, _thread = start_http_server(port, addr=host, registry=registry)
        print(f"exporter: metrics on http://{host}:{server.server_port}/metrics", flush=True)
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
        server.shutdown()
    return 0

"""The collector's Prometheus endpoint, read from its own counters at scrape time, so the receive
loop pays nothing for it (prometheus_client, the `ops` extra; imported only with `--metrics-port`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector as PromCollector

if TYPE_CHECKING:
    from hl_pipeline.collector.session import Collector

EXPORTED = (
    "hl_collector_messages_total",
    "hl_collector_last_message_timestamp_seconds",
    "hl_collector_lag_seconds",
    "hl_collector_durable_latency_seconds",
    "hl_collector_gaps_total",
    "hl_collector_reconnects_total",
    "hl_collector_connected",
    "hl_collector_subscriptions",
    "hl_collector_journal_bytes_total",
    "hl_collector_landing_bytes_total",
    "hl_collector_landing_files_total",
    "hl_collector_duplicates_dropped_total",
)
"""Every series name the endpoint exports (the Grafana dashboard's panels are checked against it)."""


def family(
    kind: str, name: str, doc: str, labels: list[str], rows: Iterable[tuple[list[str], float]]
) -> Metric:
    """A counter (`name` without `_total`) or gauge family with its samples."""
    metric = (CounterMetricFamily if kind == "counter" else GaugeMetricFamily)(name, doc, labels=labels)
    for values, value in rows:
        metric.add_metric(values, value)
    return metric


class CollectorMetrics(PromCollector):
    """One collector process's metrics, every series labelled with its shard ("0/1" unsharded)."""

    def __init__(self, collector: Collector, shard: str):
        self.collector, self.shard = collector, shard

    def collect(self) -> Iterator[Metric]:
        c, s, health = self.collector, self.shard, self.collector.health
        by_channel = ["shard", "channel"]
        yield family(
            "counter",
            "hl_collector_messages",
            "WebSocket messages received",
            by_channel,
            (([s, ch], n) for ch, n in sorted(health.counts.items())),
        )
        yield family(
            "gauge",
            "hl_collector_last_message_timestamp_seconds",
            "receive time of the newest message",
            by_channel,
            (([s, ch], ms / 1000) for ch, ms in sorted(health.last_message.items())),
        )
        yield family(
            "gauge",
            "hl_collector_lag_seconds",
            "receive time minus exchange time of the newest message",
            by_channel,
            (([s, ch], ms / 1000) for ch, ms in sorted(health.lag_ms.items())),
        )
        writers = sorted(c.writers.items())
        yield family(
            "gauge",
            "hl_collector_durable_latency_seconds",
            "receive-to-durable latency of the landed messages, by quantile",
            [*by_channel, "quantile"],
            (
                ([s, ch, str(q)], ms / 1000)
                for ch, w in writers
                for q in (0.5, 0.99)
                if (ms := w.latency.quantile(q)) is not None
            ),
        )
        yield family(
            "counter",
            "hl_collector_gaps",
            "gap records written, by cause",
            [*by_channel, "cause"],
            (([s, ch, cause], n) for (ch, cause), n in sorted(health.gap_causes.items())),
        )
        yield family(
            "counter",
            "hl_collector_landing_files",
            "landing Parquet files published",
            by_channel,
            (([s, ch], len(w.files_written)) for ch, w in writers),
        )
        yield family(
            "counter",
            "hl_collector_journal_bytes",
            "bytes journaled (durable within a flush, published as landing files on rotation)",
            by_channel,
            (([s, ch], w.bytes_journaled) for ch, w in writers),
        )
        yield family(
            "counter",
            "hl_collector_landing_bytes",
            "bytes of the landing Parquet files published",
            by_channel,
            (([s, ch], w.bytes_written) for ch, w in writers),
        )
        yield family(
            "counter",
            "hl_collector_reconnects",
            "reconnects after a lost or silent connection",
            ["shard"],
            [([s], health.reconnects)],
        )
        yield family(
            "gauge",
            "hl_collector_connected",
            "1 while the WebSocket is open",
            ["shard"],
            [([s], int(health.connected))],
        )
        yield family(
            "gauge",
            "hl_collector_subscriptions",
            "streams subscribed (trades and l2Book of each coin)",
            ["shard"],
            [([s], 2 * len(c.c.coins))],
        )
        yield family(
            "counter",
            "hl_collector_duplicates_dropped",
            "duplicate trades dropped",
            ["shard"],
            [([s], c.dedupe.dropped)],
        )


def serve(collector: Collector, shard: str, port: int, host: str) -> int:
    """Serve `/metrics` for `collector` on a daemon thread; returns the bound port (0 picks one)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CollectorMetrics(collector, shard))
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return int(server.server_port)

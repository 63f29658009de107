"""The Grafana dashboard parses and every panel queries series the two endpoints export."""

import json
import re

from hl_pipeline.collector.metrics import EXPORTED as COLLECTOR
from hl_pipeline.commands.pipeline_metrics import EXPORTED as PIPELINE
from hl_pipeline_tests.deploy.paths import DEPLOY

OURS = re.compile(r"\b(?:hl_collector|dagster)_[a-z_]+\b")


def _panels(dashboard: dict) -> list[dict]:
    out: list[dict] = []
    for panel in dashboard["panels"]:
        out += [panel] if panel["type"] != "row" else panel.get("panels", [])
    return [p for p in out if p["type"] != "row"]


def series(expr: str) -> set[str]:
    return set(OURS.findall(expr))


def test_every_panel_queries_exported_series():
    dashboard = json.loads((DEPLOY / "grafana" / "dashboard.json").read_text())
    panels = _panels(dashboard)
    assert len(panels) >= 10 and len({p["id"] for p in panels}) == len(panels)
    used = set()
    for panel in panels:
        names = set().union(*(series(t["expr"]) for t in panel["targets"]))
        assert names, f"panel {panel['title']!r} queries none of our series"
        assert names <= set(COLLECTOR) | set(PIPELINE), (
            panel["title"],
            names - set(COLLECTOR) - set(PIPELINE),
        )
        used |= names
    # every collector metric of the issue has a panel: messages, lag, gaps, reconnects, landing bytes
    assert {
        "hl_collector_messages_total",
        "hl_collector_lag_seconds",
        "hl_collector_gaps_total",
        "hl_collector_reconnects_total",
        "hl_collector_landing_bytes_total",
        "dagster_runs",
        "dagster_asset_freshness_seconds",
        "dagster_check_failures",
    } <= used


def test_the_check_finds_a_misspelt_metric():
    assert series('rate(hl_collector_mesages_total{shard="0/2"}[1m])') == {"hl_collector_mesages_total"}
    assert not series("rate(hl_collector_mesages_total[1m])") <= set(COLLECTOR)

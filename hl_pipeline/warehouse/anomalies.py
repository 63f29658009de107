"""The `anomalies` view: every integrity event (wash trades, spoofing, market anomalies) in one
table of type, coin, date, window, addresses, score and evidence, strongest first."""

from __future__ import annotations

EVENT_VIEWS = ("wash_trades", "spoofing", "market_anomalies")


def anomalies_sql(views: list[str]) -> str | None:
    """CREATE VIEW over the event views that exist (None when none does)."""
    parts = [
        f"SELECT '{v}' AS dataset, type, coin, date, time AS window_start, end_time AS window_end, "
        f"addresses, volume_usd, score, evidence FROM {v}"
        for v in EVENT_VIEWS
        if v in views
    ]
    if not parts:
        return None
    return "CREATE OR REPLACE VIEW anomalies AS " + " UNION ALL ".join(parts)

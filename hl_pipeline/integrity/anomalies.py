"""A coin-day's market anomalies from its trades, as `market_anomalies` holds them: volume and price
spikes, pump-and-dump episodes, markings around funding and liquidation cascades, with their declared
parameters. A spike inside a detected cascade is the cascade's (the more specific account of those
minutes) and is not reported apart."""

from __future__ import annotations

import pandas as pd

from hl_pipeline.integrity.cascades import CascadeParams, cascade_events
from hl_pipeline.integrity.events import Event
from hl_pipeline.integrity.funding import FundingParams, funding_events
from hl_pipeline.integrity.pumps import PumpParams, pump_events
from hl_pipeline.integrity.spikes import SpikeParams, spike_events

SPIKES, PUMPS, FUNDING, CASCADES = SpikeParams(), PumpParams(), FundingParams(), CascadeParams()
PARAMS = {
    "spikes": SPIKES,
    "pump_and_dump": PUMPS,
    "funding_marking": FUNDING,
    "liquidation_cascade": CASCADES,
}


def coin_anomalies(trades: pd.DataFrame, start_ms: int, end_ms: int) -> list[Event]:
    """The anomalies of one coin's trades in [start_ms, end_ms)."""
    cascades = cascade_events(trades, start_ms, end_ms, CASCADES)
    spikes = [
        s
        for s in spike_events(trades, start_ms, end_ms, SPIKES)
        if not any(s.start_ms < c.end_ms and c.start_ms < s.end_ms for c in cascades)
    ]
    return (
        spikes
        + pump_events(trades, start_ms, end_ms, PUMPS)
        + funding_events(trades, start_ms, end_ms, FUNDING)
        + cascades
    )

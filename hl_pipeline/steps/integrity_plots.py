"""Per coin-day with events: the minute price and notional from the trades with each event's window
shaded, as a PNG beside the lake (data/reports/integrity/<dataset>/)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from hl_pipeline.integrity.spikes import minute_bars
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.lake.paths import report_dir
from hl_pipeline.lake.reader import read_partition
from hl_pipeline.ml.figures import pyplot, save_png

COLOURS = {
    "wash": "tab:red",
    "volume_spike": "tab:orange",
    "price_spike": "tab:purple",
    "spoof": "tab:green",
    "pump_and_dump": "tab:brown",
    "funding_marking": "tab:cyan",
}


def event_plots(
    root: Path, dataset: str, dates: Sequence[str], coins: Sequence[str]
) -> dict[str, dict[str, Path]]:
    """{date: {coin: PNG}} for the coin-days of `dataset` that have events."""
    plt = pyplot()
    folder = report_dir(root, f"integrity/{dataset}")
    out: dict[str, dict[str, Path]] = {}
    for date in dates:
        for coin in coins:
            events, trades = (
                read_partition(root, dataset, date, coin),
                read_partition(root, "trades", date, coin),
            )
            if events is None or trades is None or not events.num_rows:
                continue
            start = day_start_ms(date)
            bars = minute_bars(trades.select(["time", "px", "sz"]).to_pandas(), start, start + 86_400_000)
            t = pd.to_datetime(bars["time"], unit="ms", utc=True)
            fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 4.5), sharex=True)
            top.plot(t, bars["px"], lw=0.6, color="black")
            top.set_ylabel("last trade px")
            bottom.plot(t, bars["usd"], lw=0.6, color="grey")
            bottom.set_ylabel("notional / minute, USD")
            seen = set()
            for e in events.select(["type", "time", "end_time"]).to_pylist():
                label = None if e["type"] in seen else e["type"]
                seen.add(e["type"])
                for ax in (top, bottom):
                    ax.axvspan(
                        e["time"],
                        max(e["end_time"], e["time"] + pd.Timedelta(minutes=2)),
                        alpha=0.3,
                        color=COLOURS.get(e["type"], "tab:blue"),
                        label=label if ax is top else None,
                    )
            top.legend(loc="upper right", fontsize=7)
            fig.suptitle(f"{coin} {date}: {events.num_rows} {dataset} event(s)")
            path = folder / f"{coin}-{date}.png"
            save_png(fig, path, dpi=60)
            out.setdefault(date, {})[coin] = path
    return out

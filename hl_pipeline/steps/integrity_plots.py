"""Per coin-day with events: the minute price and notional from the trades with each event's window
shaded, as a PNG beside the lake (data/reports/integrity/<dataset>/); for spoofs, which last seconds,
also the sizes resting near the touch on the spoofed side around each one (<coin>-<date>-book.png)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

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
    "correlation_break": "tab:olive",
}
BOOK_LEVELS = 5  # the levels drawn on a spoof's side
BOOK_PAD = pd.Timedelta(seconds=30)  # drawn either side of a spoof's window
BOOK_EVENTS = 4  # the strongest spoofs of a coin-day get a panel each


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
            books = read_partition(root, "book_snapshots", date, coin) if dataset == "spoofing" else None
            if books is not None:
                book = folder / f"{coin}-{date}-book.png"
                _book_plot(plt, books.select(["time", "side", "level", "sz"]).to_pandas(), events, book)
                out[date][f"{coin}_book"] = book
    return out


def _book_plot(plt: Any, books: pd.DataFrame, events: pa.Table, path: Path) -> None:
    """One panel per spoof (the strongest BOOK_EVENTS): the sizes of the first BOOK_LEVELS levels of
    its side from BOOK_PAD before it to BOOK_PAD after, its window shaded."""
    spoofs = sorted(
        events.select(["time", "end_time", "score", "evidence"]).to_pylist(), key=lambda e: -e["score"]
    )
    spoofs = spoofs[:BOOK_EVENTS]
    fig, axes = plt.subplots(len(spoofs), 1, figsize=(8, 2.0 * len(spoofs)), squeeze=False)
    for ax, e in zip(axes[:, 0], spoofs):
        side = json.loads(e["evidence"])["side"]
        start, end = (
            pd.Timestamp(e["time"]),
            max(pd.Timestamp(e["end_time"]), pd.Timestamp(e["time"]) + pd.Timedelta(seconds=1)),
        )
        near = books[
            (books["side"] == side)
            & (books["level"] < BOOK_LEVELS)
            & (books["time"] >= start - BOOK_PAD)
            & (books["time"] <= end + BOOK_PAD)
        ]
        for level, rows in near.groupby("level"):
            ax.step(rows["time"], rows["sz"], where="post", lw=0.8, label=f"level {level}")
        ax.axvspan(start, end, alpha=0.3, color=COLOURS["spoof"])
        ax.set_ylabel(f"{side} size")
        ax.set_title(f"spoof at {start:%H:%M:%S}, score {e['score']:.2f}", fontsize=8)
    axes[0, 0].legend(loc="upper right", fontsize=6)
    fig.tight_layout()
    save_png(fig, path, dpi=60)

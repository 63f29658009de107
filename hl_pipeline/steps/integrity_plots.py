"""Per coin-day with events: the minute price and notional from the trades with each event's window
shaded, as a PNG beside the lake (data/reports/integrity/<dataset>/); and when the coin-day has book
snapshots, a panel per event of the book around it (<coin>-<date>-book.png): for spoofs, which last
seconds, the sizes resting near the touch on the spoofed side; for the minutes-long events of the
other datasets, the spread and the depth of the first levels of each side."""

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
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.figures import pyplot, save_png

COLOURS = {
    "wash": "tab:red",
    "volume_spike": "tab:orange",
    "price_spike": "tab:purple",
    "spoof": "tab:green",
    "pump_and_dump": "tab:brown",
    "funding_marking": "tab:cyan",
    "correlation_break": "tab:olive",
    "liquidation_cascade": "tab:pink",
    "linked_cluster": "tab:gray",
}
BOOK_LEVELS = 5  # the levels drawn on a spoof's side, or summed into each side's depth
BOOK_PAD = pd.Timedelta(seconds=30)  # drawn either side of a spoof's window
BOOK_EVENTS = 4  # the strongest events of a coin-day get a panel each
BOOK_MIN_PAD = pd.Timedelta(minutes=5)  # a minutes-long event is drawn with max(this, half its length) around
BOOK_STEP = "10s"  # the snapshots are averaged over this before drawing


def event_plots(
    root: Location, dataset: str, dates: Sequence[str], coins: Sequence[str]
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
            books = read_partition(root, "book_snapshots", date, coin)
            if books is not None and books.num_rows:
                book = folder / f"{coin}-{date}-book.png"
                books_df = books.select(["time", "side", "level", "px", "sz"]).to_pandas()
                if dataset == "spoofing":
                    _book_plot(plt, books_df, events, book)
                else:
                    _spread_depth_plot(plt, book_summary(books_df), events, book)
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


def book_summary(books: pd.DataFrame) -> pd.DataFrame:
    """The mean over each BOOK_STEP that has snapshots of the spread (bps of the mid) and of the bid
    and ask depth (USD: px * sz summed over the first BOOK_LEVELS levels)."""
    near = books[books["level"] < BOOK_LEVELS]
    near = near.assign(usd=near["px"] * near["sz"], touch=near["px"].where(near["level"] == 0))
    snap = (
        near.groupby(["time", "side"])
        .agg(usd=("usd", "sum"), touch=("touch", "max"))
        .unstack("side")
        .reindex(columns=pd.MultiIndex.from_product([["usd", "touch"], ["bid", "ask"]]))
    )
    bid, ask = snap["touch", "bid"], snap["touch", "ask"]
    out = pd.DataFrame(
        {
            "spread_bps": (ask - bid) / ((ask + bid) / 2) * 1e4,
            "bid_usd": snap["usd", "bid"],
            "ask_usd": snap["usd", "ask"],
        }
    )
    return out.resample(BOOK_STEP).mean().dropna(how="all")


def _spread_depth_plot(plt: Any, summary: pd.DataFrame, events: pa.Table, path: Path) -> None:
    """One row per event (the strongest BOOK_EVENTS): the spread (left) and the bid and ask depth
    (right) from `summary`, padded by max(BOOK_MIN_PAD, half the event's length), its window shaded."""
    rows = sorted(events.select(["type", "time", "end_time", "score"]).to_pylist(), key=lambda e: -e["score"])
    rows = rows[:BOOK_EVENTS]
    fig, axes = plt.subplots(len(rows), 2, figsize=(8, 2.0 * len(rows)), squeeze=False)
    for (left, right), e in zip(axes, rows):
        start = pd.Timestamp(e["time"])
        end = max(pd.Timestamp(e["end_time"]), start + pd.Timedelta(minutes=1))
        pad = max(BOOK_MIN_PAD, (end - start) / 2)
        near = summary.loc[start - pad : end + pad]
        left.plot(near.index, near["spread_bps"], lw=0.8, marker=".", ms=2, color="black")
        left.set_ylabel("spread, bps")
        left.set_title(f"{e['type']} at {start:%H:%M}, score {e['score']:.2f}", fontsize=8)
        for side, colour in (("bid", "tab:green"), ("ask", "tab:red")):
            right.plot(near.index, near[f"{side}_usd"], lw=0.8, marker=".", ms=2, color=colour, label=side)
        right.set_ylabel(f"depth, {BOOK_LEVELS} levels, USD", fontsize=7)
        for ax in (left, right):
            ax.axvspan(start, end, alpha=0.3, color=COLOURS.get(e["type"], "tab:blue"))
            ax.set_xlim(start - pad, end + pad)
            ax.tick_params(labelsize=6)
    axes[0, 1].legend(loc="upper right", fontsize=6)
    fig.tight_layout()
    save_png(fig, path, dpi=60)

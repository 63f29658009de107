"""Per coin-day: Hyperliquid's close against the venues' median (bps) and its funding against theirs,
as a PNG beside the lake (data/reports/venues/)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow.compute as pc

from hl_pipeline.lake.paths import report_dir
from hl_pipeline.lake.reader import read_range
from hl_pipeline.lake.storage import Location
from hl_pipeline.ml.figures import pyplot, save_png


def spread_plots(root: Location, dates: Sequence[str], coins: Sequence[str]) -> dict[str, dict[str, Path]]:
    """{date: {coin: PNG}} for the coin-days with venue candles; a day without venue data has none."""
    from hl_pipeline.venues.crossval import cross_validate, funding_spread

    plt = pyplot()
    out: dict[str, dict[str, Path]] = {}
    hl = read_range(root, "candles", list(dates), list(coins), with_date=True)
    hl = hl.filter(pc.and_(pc.equal(hl["interval"], "1m"), pc.equal(hl["source"], "api"))).to_pandas()
    venues = read_range(root, "venue_candles", list(dates), list(coins), with_date=True).to_pandas()
    hl_funding = read_range(root, "funding", list(dates), list(coins), with_date=True).to_pandas()
    funding = read_range(root, "venue_funding", list(dates), list(coins), with_date=True).to_pandas()
    folder = report_dir(root, "venues")
    for date in dates:
        for coin in coins:
            v = venues[(venues.date == date) & (venues.coin == coin)]
            if v.empty:
                continue
            minutes = cross_validate(hl[(hl.date == date) & (hl.coin == coin)], v).minutes
            spread = funding_spread(
                hl_funding[(hl_funding.date == date) & (hl_funding.coin == coin)],
                funding[(funding.date == date) & (funding.coin == coin)],
            )
            fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 4.5), sharex=True)
            top.plot(minutes["time"], minutes["median_dev_bps"], lw=0.6, label="vs venues' median")
            top.set_ylabel("HL close - venues, bps")
            top.legend(loc="upper right", fontsize=7)
            for venue, rows in spread.groupby("venue"):
                bottom.plot(rows["time"], rows["spread_hourly"] * 1e4, marker="o", ms=3, label=str(venue))
            bottom.set_ylabel("funding spread, bps/h")
            if not spread.empty:
                bottom.legend(loc="upper right", fontsize=7)
            fig.suptitle(f"{coin} {date}: Hyperliquid against the venues")
            path = folder / f"{coin}-{date}.png"
            save_png(fig, path, dpi=70)
            out.setdefault(date, {})[coin] = path
    return out

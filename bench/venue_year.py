"""A year of 1m candles per simulated venue through the pipeline's own fetcher (explicit windows,
unmodified ccxt classes): the requests each venue needs, the wall time its real public rate limit
imposes on them (computed from its budget), and the wall time measured against the simulator (its own
process) with the limits lifted on both sides.

`python -m bench.venue_year [DAYS] [RUNS]` runs it alone (defaults: 365 and 3)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from bench.common import save, simulator_process, table
from hl_pipeline.exchange.intervals import DAY_MS, MINUTE_MS
from hl_pipeline.venues.clients import venue_client
from hl_pipeline.venues.fetch import load_markets, ohlcv
from hl_pipeline.venues.symbols import map_coin
from hl_pipeline.venues.windows import candle_requests, seconds_at_limit

VENUES = ("binanceusdm", "bybit", "okx", "coinbaseexchange")
DAYS, RUNS = 365, 3


def _year(url: str, venue: str, days: int) -> tuple[int, int, float]:
    """(requests sent, rows, seconds) fetching `days` of BTC 1m candles from `venue`."""
    client = venue_client(venue, url, rate_limit=False)
    market = map_coin(venue, "BTC", load_markets(client))
    assert market is not None
    sent = 0
    fetch = client.fetch_ohlcv

    def counted(*args, **kwargs):
        nonlocal sent
        sent += 1
        return fetch(*args, **kwargs)

    client.fetch_ohlcv = counted
    end = (int(time.time() * 1000) // DAY_MS) * DAY_MS
    started = time.perf_counter()
    rows = ohlcv(client, market, end - days * DAY_MS, end)
    return sent, len(rows), time.perf_counter() - started


def main(_work: Path | None = None, days: int = DAYS, runs: int = RUNS) -> list[dict]:
    load = os.getloadavg()
    out = []
    with simulator_process("--no-rate-limit") as url:
        for venue in VENUES:
            seconds, sent, rows = [], 0, 0
            for _ in range(runs):
                sent, rows, took = _year(url, venue, days)
                seconds.append(took)
            assert rows == days * DAY_MS // MINUTE_MS, (venue, rows)
            out.append(
                {
                    "venue": venue,
                    "days": days,
                    "rows": rows,
                    "requests": sent,
                    "planned": candle_requests(venue, days * 1440),
                    "at_real_limit_s": round(seconds_at_limit(venue, sent), 1),
                    "lifted_median_s": round(statistics.median(seconds), 2),
                    "lifted_min_s": round(min(seconds), 2),
                    "lifted_max_s": round(max(seconds), 2),
                    "runs": runs,
                }
            )
    after = os.getloadavg()
    print(table(out))
    print(f"load average (1, 5, 15 min) before {load}, after {after}; {os.cpu_count()} cores")
    save("venue_year", {"rows": out, "load_before": load, "load_after": after, "cores": os.cpu_count()})
    return out


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(None, *args)

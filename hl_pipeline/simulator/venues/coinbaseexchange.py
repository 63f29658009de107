"""Coinbase Exchange spot (`/coinbaseexchange/products/...`): candles up to 300 rows newest first as
`[time_s, low, high, open, close, volume]`, 10 requests a second per IP (bursts of 15), errors as
`{"message": ...}`. No funding and no open interest: it is a spot venue."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.venues import book, series
from hl_pipeline.simulator.venues.market import Venue
from hl_pipeline.simulator.venues.replies import reply

PREFIX = "/coinbaseexchange"
CANDLES_MAX = 300
TOO_MANY = "granularity too small for the requested time range. Count of aggregations requested exceeds 300"


def _ms(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text) * 1000
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int((t if t.tzinfo else t.replace(tzinfo=dt.UTC)).timestamp() * 1000)


def install(app: web.Application, config: SimulatorConfig) -> None:
    venue = Venue(config, "coinbaseexchange", lambda listing, quote: f"{listing.base}-{quote}", (15, 1.5))

    def guarded(handler, product: bool = True):
        async def run(request: web.Request) -> web.Response:
            if not venue.admit(request.remote or ""):
                return reply({"message": "Public rate limit exceeded"}, 429)
            pid = request.match_info.get("product")
            if product and not venue.listed(pid or ""):
                return reply({"message": "NotFound"}, 404)
            try:
                return handler(request.query, pid)
            except ValueError as exc:
                return reply({"message": f"Invalid parameter: {exc}"}, 400)

        return run

    def currencies(q, _) -> web.Response:
        return reply([])

    def products(q, _) -> web.Response:
        return reply(
            [
                {
                    "id": pid,
                    "base_currency": m.listing.base,
                    "quote_currency": "USD",
                    "status": "online",
                    "base_increment": "0.00000001",
                    "quote_increment": "0.000001",
                    "min_market_funds": "1",
                    "trading_disabled": False,
                }
                for pid, m in venue.markets.items()
            ]
        )

    def candles(q, pid: str) -> web.Response:
        if q.get("granularity", "60") != "60":
            return reply({"message": "Unsupported granularity: the simulator serves 60"}, 400)
        m, now = venue.markets[pid], venue.now()
        last = now // MINUTE_MS - 1
        start, end = _ms(q.get("start")), _ms(q.get("end"))
        if start is None or end is None:
            lo, hi = last - CANDLES_MAX + 1, last
        else:
            lo, hi = start // MINUTE_MS, min(last, end // MINUTE_MS)  # the bucket holding `start` too
            if hi - lo + 1 > CANDLES_MAX:
                return reply({"message": TOO_MANY}, 400)
        lo = max(lo, config.listing_ms // MINUTE_MS)
        c = series.candles(m.seed, m.coin_id, m.coin, m.venue, m.listing, lo, hi + 1)
        cols = [c[k][::-1].tolist() for k in ("t", "l", "h", "o", "c", "v")]
        return reply([[t // 1000, low, high, o, cl, v] for t, low, high, o, cl, v in zip(*cols)])

    def ticker(q, pid: str) -> web.Response:
        m, now = venue.markets[pid], venue.now()
        bids, asks = book.levels(m, now, 1)
        stamp = dt.datetime.fromtimestamp(now / 1000, dt.UTC).isoformat().replace("+00:00", "Z")
        return reply(
            {
                "trade_id": now,
                "price": str(book.last_price(m, now)),
                "size": "0.01",
                "bid": str(bids[0][0]),
                "ask": str(asks[0][0]),
                "volume": "0",
                "time": stamp,
            }
        )

    def order_book(q, pid: str) -> web.Response:
        m, now = venue.markets[pid], venue.now()
        bids, asks = book.levels(m, now)
        return reply(
            {
                "sequence": now,
                "bids": [[str(p), str(s), 1] for p, s in bids],
                "asks": [[str(p), str(s), 1] for p, s in asks],
                "time": now,
            }
        )

    app.router.add_get(PREFIX + "/currencies", guarded(currencies, product=False))
    app.router.add_get(PREFIX + "/products", guarded(products, product=False))
    app.router.add_get(PREFIX + "/products/{product}/candles", guarded(candles))
    app.router.add_get(PREFIX + "/products/{product}/ticker", guarded(ticker))
    app.router.add_get(PREFIX + "/products/{product}/book", guarded(order_book))

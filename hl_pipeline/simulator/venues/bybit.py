"""Bybit v5 linear perpetuals (`/bybit/v5/market/...`): 600 requests per 5 s per IP (HTTP 403 beyond),
klines up to 1000 rows newest first, errors as HTTP 200 with `retCode` not 0."""

from __future__ import annotations

import numpy as np
from aiohttp import web

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.venues import book, series
from hl_pipeline.simulator.venues.market import Venue
from hl_pipeline.simulator.venues.replies import bounded, integer, reply

PREFIX = "/bybit"
KLINE_MAX, FUNDING_MAX, OI_MAX = 1000, 200, 200
OI_PERIODS = {
    "5min": 5 * MINUTE_MS,
    "15min": 15 * MINUTE_MS,
    "30min": 30 * MINUTE_MS,
    "1h": HOUR_MS,
    "4h": 4 * HOUR_MS,
}


def _ok(venue: Venue, result: dict) -> web.Response:
    return reply({"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {}, "time": venue.now()})


def _error(venue: Venue, code: int, msg: str) -> web.Response:
    return reply({"retCode": code, "retMsg": msg, "result": {}, "retExtInfo": {}, "time": venue.now()})


def install(app: web.Application, config: SimulatorConfig) -> None:
    venue = Venue(config, "bybit", lambda listing, quote: f"{listing.base}{quote}", (600, 5.0))

    def guarded(handler):
        async def run(request: web.Request) -> web.Response:
            q = request.query
            if not venue.admit(request.remote or ""):
                return web.Response(status=403, text="access too frequent")
            if q.get("category", "linear") != "linear":
                return _error(venue, 10001, "params error: the simulator lists linear contracts only")
            symbol = q.get("symbol")
            if symbol is not None and not venue.listed(symbol):
                return _error(venue, 10001, "params error: Not supported symbols")
            try:
                return handler(q)
            except ValueError as exc:
                return _error(venue, 10001, f"params error: {exc}")

        return run

    def instruments(q) -> web.Response:
        listed = [] if q.get("status") == "PreLaunch" else list(venue.markets.items())
        return _ok(
            venue,
            {
                "category": "linear",
                "list": [
                    {
                        "symbol": symbol,
                        "contractType": "LinearPerpetual",
                        "status": "Trading",
                        "baseCoin": m.listing.base,
                        "quoteCoin": "USDT",
                        "settleCoin": "USDT",
                        "launchTime": str(config.listing_ms),
                        "fundingInterval": m.venue.funding_hours * 60,
                        "priceFilter": {
                            "tickSize": "0.000001",
                            "minPrice": "0.000001",
                            "maxPrice": "10000000",
                        },
                        "lotSizeFilter": {
                            "qtyStep": "0.001",
                            "minOrderQty": "0.001",
                            "maxOrderQty": "1000000",
                        },
                    }
                    for symbol, m in listed
                ],
                "nextPageCursor": "",
            },
        )

    def kline(q) -> web.Response:
        if q.get("interval") != "1":
            return _error(venue, 10001, "params error: the simulator serves interval 1")
        limit = integer(q, "limit", 200) or 200
        if not 1 <= limit <= KLINE_MAX:
            return _error(venue, 10001, f"params error: limit {limit} out of range [1, 1000]")
        m = venue.markets[q["symbol"]]
        a, b = bounded(integer(q, "start"), integer(q, "end"), limit, MINUTE_MS, venue.now())
        c = series.candles(m.seed, m.coin_id, m.coin, m.venue, m.listing, a // MINUTE_MS, b // MINUTE_MS + 1)
        rows = [
            [str(t), str(o), str(h), str(lo), str(cl), str(v), str(round(v * cl, 4))]
            for t, o, h, lo, cl, v in zip(*(c[k].tolist() for k in ("t", "o", "h", "l", "c", "v")))
            if t >= config.listing_ms
        ]
        return _ok(venue, {"symbol": q["symbol"], "category": "linear", "list": rows[::-1]})

    def funding_history(q) -> web.Response:
        limit = integer(q, "limit", 200) or 200
        start, end = integer(q, "startTime"), integer(q, "endTime")
        if start is not None and end is None:
            return _error(venue, 10001, "params error: endTime is required with startTime")
        if not 1 <= limit <= FUNDING_MAX:
            return _error(venue, 10001, f"params error: limit {limit} out of range [1, 200]")
        m, now = venue.markets[q["symbol"]], venue.now()
        step = m.venue.funding_hours * HOUR_MS
        end = min(end if end is not None else now, now)
        start = start if start is not None else end - (limit - 1) * step
        times, rates = series.funding(m.seed, m.coin_id, m.venue, start // HOUR_MS, end // HOUR_MS + 1)
        keep = (times >= max(start, config.listing_ms)) & (times <= end)
        rows = [
            {"symbol": q["symbol"], "fundingRate": f"{r:.8f}", "fundingRateTimestamp": str(t)}
            for t, r in zip(times[keep].tolist(), rates[keep].tolist())
        ][::-1][:limit]
        return _ok(venue, {"category": "linear", "list": rows})

    def open_interest(q) -> web.Response:
        period = OI_PERIODS.get(q.get("intervalTime", ""))
        if period is None:
            return _error(venue, 10001, "params error: intervalTime")
        limit = integer(q, "limit", 50) or 50
        if not 1 <= limit <= OI_MAX:
            return _error(venue, 10001, f"params error: limit {limit} out of range [1, 200]")
        m, now = venue.markets[q["symbol"]], venue.now()
        end = min(integer(q, "endTime") or now, now)
        start = integer(q, "startTime")
        cursor = integer(q, "cursor")
        if cursor is not None:
            end = min(end, cursor - 1)
        times = np.arange(end // period * period, -1, -period)[:limit]
        times = times[times >= max(start or 0, config.listing_ms)]
        oi = series.open_interest(m, times)
        more = len(times) == limit and (start is None or times[-1] - period >= start)
        return _ok(
            venue,
            {
                "symbol": q["symbol"],
                "category": "linear",
                "list": [
                    {"openInterest": f"{o:.3f}", "timestamp": str(t)}
                    for t, o in zip(times.tolist(), oi.tolist())
                ],
                "nextPageCursor": str(int(times[-1])) if more else "",
            },
        )

    def tickers(q) -> web.Response:
        now = venue.now()
        symbols = [q["symbol"]] if "symbol" in q else list(venue.markets)
        out = []
        for symbol in symbols:
            m = venue.markets[symbol]
            last = book.last_price(m, now)
            bids, asks = book.levels(m, now, 1)
            _, rates = series.funding(m.seed, m.coin_id, m.venue, now // HOUR_MS - 8, now // HOUR_MS + 1)
            step = m.venue.funding_hours * HOUR_MS
            out.append(
                {
                    "symbol": symbol,
                    "lastPrice": str(last),
                    "bid1Price": str(bids[0][0]),
                    "bid1Size": str(bids[0][1]),
                    "ask1Price": str(asks[0][0]),
                    "ask1Size": str(asks[0][1]),
                    "prevPrice24h": str(book.last_price(m, now - 86_400_000)),
                    "highPrice24h": str(last),
                    "lowPrice24h": str(last),
                    "volume24h": "0",
                    "turnover24h": "0",
                    "markPrice": str(last),
                    "indexPrice": str(last),
                    "fundingRate": f"{rates[-1]:.8f}",
                    "nextFundingTime": str((now // step + 1) * step),
                    "openInterest": f"{series.open_interest(m, np.asarray([now]))[0]:.3f}",
                }
            )
        return _ok(venue, {"category": "linear", "list": out})

    def orderbook(q) -> web.Response:
        m, now = venue.markets[q["symbol"]], venue.now()
        bids, asks = book.levels(m, now, min(integer(q, "limit", 25) or 25, book.LEVELS))
        return _ok(
            venue,
            {
                "s": q["symbol"],
                "b": [[str(p), str(s)] for p, s in bids],
                "a": [[str(p), str(s)] for p, s in asks],
                "ts": now,
                "u": now,
            },
        )

    routes = {
        "/v5/market/instruments-info": instruments,
        "/v5/market/kline": kline,
        "/v5/market/funding/history": funding_history,
        "/v5/market/open-interest": open_interest,
        "/v5/market/tickers": tickers,
        "/v5/market/orderbook": orderbook,
    }
    for path, handler in routes.items():
        app.router.add_get(PREFIX + path, guarded(handler))

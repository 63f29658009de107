"""Binance USD-M futures (`/binanceusdm/fapi/v1/...`, `/binanceusdm/futures/data/...`): 2400 weight a
minute per IP, klines up to 1500 rows oldest first, errors as `{"code": -1121, "msg": ...}`."""

from __future__ import annotations

import numpy as np
from aiohttp import web

from hl_pipeline.exchange.intervals import HOUR_MS, MINUTE_MS
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.venues import book, series
from hl_pipeline.simulator.venues.market import Venue
from hl_pipeline.simulator.venues.replies import bounded, integer, reply

PREFIX = "/binanceusdm"
KLINES_MAX, FUNDING_MAX, OI_MAX = 1500, 1000, 500
OI_PERIODS = {"5m": 5 * MINUTE_MS, "15m": 15 * MINUTE_MS, "30m": 30 * MINUTE_MS, "1h": HOUR_MS}
OI_RETENTION_MS = 30 * 24 * HOUR_MS


def _kline_weight(limit: int) -> int:
    return 1 if limit < 100 else 2 if limit < 500 else 5 if limit <= 1000 else 10


def _error(code: int, msg: str, status: int = 400) -> web.Response:
    return reply({"code": code, "msg": msg}, status)


def install(app: web.Application, config: SimulatorConfig) -> None:
    venue = Venue(config, "binanceusdm", lambda listing, quote: f"{listing.base}{quote}", (2400, 60.0))

    def guarded(weight_of):
        def wrap(handler):
            async def run(request: web.Request) -> web.Response:
                q = request.query
                try:
                    weight = weight_of(q)
                    if not venue.admit(request.remote or "", weight):
                        return _error(
                            -1003, "Too many requests; current limit of IP is 2400 requests per minute.", 429
                        )
                    symbol = q.get("symbol")
                    if symbol is not None and not venue.listed(symbol):
                        return _error(-1121, "Invalid symbol.")
                    return handler(q)
                except ValueError as exc:
                    return _error(-1100, f"Illegal characters found in a parameter. {exc}")

            return run

        return wrap

    def exchange_info(q) -> web.Response:
        return reply(
            {
                "timezone": "UTC",
                "serverTime": venue.now(),
                "symbols": [
                    {
                        "symbol": symbol,
                        "pair": symbol,
                        "contractType": "PERPETUAL",
                        "status": "TRADING",
                        "baseAsset": m.listing.base,
                        "quoteAsset": "USDT",
                        "marginAsset": "USDT",
                        "onboardDate": config.listing_ms,
                        "filters": [
                            {"filterType": "PRICE_FILTER", "tickSize": "0.000001"},
                            {
                                "filterType": "LOT_SIZE",
                                "stepSize": "0.001",
                                "minQty": "0.001",
                                "maxQty": "1000000",
                            },
                        ],
                    }
                    for symbol, m in venue.markets.items()
                ],
            }
        )

    def klines(q) -> web.Response:
        if q.get("interval") != "1m":
            return _error(-1120, "Invalid interval; the simulator serves 1m.")
        limit = integer(q, "limit", 500) or 500
        if not 1 <= limit <= KLINES_MAX:
            return _error(-1130, f"Data sent for parameter 'limit' is not valid: {limit}")
        m = venue.markets[q["symbol"]]
        a, b = bounded(integer(q, "startTime"), integer(q, "endTime"), limit, MINUTE_MS, venue.now())
        c = series.candles(m.seed, m.coin_id, m.coin, m.venue, m.listing, a // MINUTE_MS, b // MINUTE_MS + 1)
        rows = [
            [
                t,
                str(o),
                str(h),
                str(lo),
                str(cl),
                str(v),
                t + MINUTE_MS - 1,
                str(round(v * cl, 2)),
                10,
                "0",
                "0",
                "0",
            ]
            for t, o, h, lo, cl, v in zip(*(c[k].tolist() for k in ("t", "o", "h", "l", "c", "v")))
            if t >= config.listing_ms
        ]
        return reply(rows)

    def funding_rate(q) -> web.Response:
        limit = integer(q, "limit", 100) or 100
        if not 1 <= limit <= FUNDING_MAX:
            return _error(-1130, f"Data sent for parameter 'limit' is not valid: {limit}")
        symbols = [q["symbol"]] if "symbol" in q else list(venue.markets)
        out = []
        for symbol in symbols:
            m = venue.markets[symbol]
            step = m.venue.funding_hours * HOUR_MS
            start, end = integer(q, "startTime"), integer(q, "endTime")
            if start is None and end is None:
                start = venue.now() - 200 * step
            a, b = bounded(start, end, limit, step, venue.now() + step)
            times, rates = series.funding(m.seed, m.coin_id, m.venue, a // HOUR_MS, b // HOUR_MS + 1)
            out += [
                {"symbol": symbol, "fundingTime": t, "fundingRate": f"{r:.8f}", "markPrice": "0"}
                for t, r in zip(times.tolist(), rates.tolist())
                if config.listing_ms <= t <= venue.now()
            ]
        return reply(out)

    def premium_index(q) -> web.Response:
        def one(symbol: str) -> dict:
            m, now = venue.markets[symbol], venue.now()
            step = m.venue.funding_hours * HOUR_MS
            _, rates = series.funding(m.seed, m.coin_id, m.venue, now // HOUR_MS - 8, now // HOUR_MS + 1)
            px = book.last_price(m, now)
            return {
                "symbol": symbol,
                "markPrice": str(px),
                "indexPrice": str(px),
                "estimatedSettlePrice": str(px),
                "lastFundingRate": f"{rates[-1]:.8f}",
                "interestRate": "0.00010000",
                "nextFundingTime": (now // step + 1) * step,
                "time": now,
            }

        return reply(one(q["symbol"]) if "symbol" in q else [one(s) for s in venue.markets])

    def open_interest_hist(q) -> web.Response:
        period = OI_PERIODS.get(q.get("period", ""))
        if period is None:
            return _error(-1120, "Invalid period.")
        limit = integer(q, "limit", 30) or 30
        if not 1 <= limit <= OI_MAX:
            return _error(-1130, f"Data sent for parameter 'limit' is not valid: {limit}")
        m, now = venue.markets[q["symbol"]], venue.now()
        a, b = bounded(integer(q, "startTime"), integer(q, "endTime"), limit, period, now + period)
        times = np.arange(max(a, now - OI_RETENTION_MS, config.listing_ms) // period * period, b + 1, period)
        times = times[times <= now]
        oi = series.open_interest(m, times)
        px = [book.last_price(m, int(t)) for t in times.tolist()]
        return reply(
            [
                {
                    "symbol": q["symbol"],
                    "sumOpenInterest": f"{o:.3f}",
                    "sumOpenInterestValue": f"{o * p:.2f}",
                    "timestamp": t,
                }
                for t, o, p in zip(times.tolist(), oi.tolist(), px)
            ]
        )

    def open_interest(q) -> web.Response:
        m, now = venue.markets[q["symbol"]], venue.now()
        oi = series.open_interest(m, np.asarray([now]))
        return reply({"symbol": q["symbol"], "openInterest": f"{oi[0]:.3f}", "time": now})

    def ticker(q) -> web.Response:
        m, now = venue.markets[q["symbol"]], venue.now()
        day = series.candles(
            m.seed, m.coin_id, m.coin, m.venue, m.listing, now // MINUTE_MS - 1440, now // MINUTE_MS
        )
        last = book.last_price(m, now)
        return reply(
            {
                "symbol": q["symbol"],
                "lastPrice": str(last),
                "openPrice": str(day["o"][0]),
                "highPrice": str(day["h"].max()),
                "lowPrice": str(day["l"].min()),
                "volume": f"{day['v'].sum():.3f}",
                "quoteVolume": f"{(day['v'] * day['c']).sum():.2f}",
                "weightedAvgPrice": str(last),
                "priceChange": str(round(last - day["o"][0], 8)),
                "priceChangePercent": f"{100 * (last / day['o'][0] - 1):.3f}",
                "openTime": now - 86_400_000,
                "closeTime": now,
            }
        )

    def depth(q) -> web.Response:
        m, now = venue.markets[q["symbol"]], venue.now()
        bids, asks = book.levels(m, now, min(integer(q, "limit", 20) or 20, book.LEVELS))
        return reply(
            {
                "lastUpdateId": now,
                "E": now,
                "T": now,
                "bids": [[str(p), str(s)] for p, s in bids],
                "asks": [[str(p), str(s)] for p, s in asks],
            }
        )

    routes = {
        "/fapi/v1/exchangeInfo": (exchange_info, lambda q: 1),
        "/fapi/v1/klines": (klines, lambda q: _kline_weight(integer(q, "limit", 500) or 500)),
        "/fapi/v1/fundingRate": (funding_rate, lambda q: 1),
        "/fapi/v1/premiumIndex": (premium_index, lambda q: 1 if "symbol" in q else 10),
        "/futures/data/openInterestHist": (open_interest_hist, lambda q: 1),
        "/fapi/v1/openInterest": (open_interest, lambda q: 1),
        "/fapi/v1/ticker/24hr": (ticker, lambda q: 1),
        "/fapi/v1/depth": (depth, lambda q: 2),
    }
    for path, (handler, weight) in routes.items():
        app.router.add_get(PREFIX + path, guarded(weight)(handler))

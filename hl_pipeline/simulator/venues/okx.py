"""OKX v5 swaps (`/okx/api/v5/...`): candles up to 300 rows newest first (`market/candles` only the
latest 1,440, `history-candles` the rest), prices per coin and sizes in contracts of `ctVal`, errors as
`{"code": "51001", ...}`, per-endpoint budgets per 2 s with `{"code": "50011"}` and HTTP 429 beyond."""

from __future__ import annotations

import numpy as np
from aiohttp import web

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.venues import book, series
from hl_pipeline.simulator.venues.market import Venue, VenueMarket
from hl_pipeline.simulator.venues.replies import integer, reply

PREFIX = "/okx/api/v5"
CANDLES_MAX, CANDLES_RECENT, FUNDING_MAX, OI_MAX = 300, 1440, 400, 100
FUNDING_RETENTION_MS, OI_RETENTION_ROWS = 92 * DAY_MS, 1440
OI_PERIODS = {"5m": 5 * MINUTE_MS, "1H": HOUR_MS, "1D": DAY_MS}
BARS = {"1m": MINUTE_MS, "1H": HOUR_MS}
BUDGETS = {"instruments": 20, "candles": 40, "history": 20, "funding": 10, "oi": 10, "other": 20}
"""Requests per 2 s per IP, by endpoint family."""


def _ok(data: list) -> web.Response:
    return reply({"code": "0", "msg": "", "data": data})


def _error(code: str, msg: str, status: int = 200) -> web.Response:
    return reply({"code": code, "msg": msg, "data": []}, status)


def _newest(times: np.ndarray, before: int | None, after: int | None, limit: int) -> np.ndarray:
    """Of ascending `times`, those newer than `before` and older than `after`: the `limit` newest when
    `after` bounds them (or nothing does), else the `limit` right after `before`; newest first."""
    keep = times[((before is None) | (times > (before or 0))) & ((after is None) | (times < (after or 0)))]
    chosen = keep[:limit] if before is not None and after is None else keep[-limit:]
    return chosen[::-1]


def _contracts(m: VenueMarket, base_units: np.ndarray) -> np.ndarray:
    return np.round(base_units / m.listing.contract_size, 2)


def install(app: web.Application, config: SimulatorConfig) -> None:
    venues = {
        family: Venue(config, "okx", lambda listing, quote: f"{listing.base}-{quote}-SWAP", (n, 2.0))
        for family, n in BUDGETS.items()
    }
    venue = venues["other"]

    def guarded(family: str, handler):
        async def run(request: web.Request) -> web.Response:
            q = request.query
            if not venues[family].admit(request.remote or ""):
                return _error("50011", "Too Many Requests", 429)
            inst = q.get("instId")
            if inst is not None and inst != "ANY" and not venue.listed(inst):
                return _error("51001", f"Instrument ID or Spread ID doesn't exist. ({inst})")
            try:
                return handler(q)
            except ValueError as exc:
                return _error("50014", f"Parameter error: {exc}")

        return run

    def instruments(q) -> web.Response:
        if q.get("instType") != "SWAP":
            return _ok([])
        return _ok(
            [
                {
                    "instType": "SWAP",
                    "instId": inst,
                    "uly": f"{m.listing.base}-USDT",
                    "instFamily": f"{m.listing.base}-USDT",
                    "settleCcy": "USDT",
                    "ctVal": repr(m.listing.contract_size),
                    "ctValCcy": m.listing.base,
                    "ctMult": "1",
                    "ctType": "linear",
                    "lotSz": "0.01",
                    "minSz": "0.01",
                    "tickSz": "0.0000001",
                    "lever": "50",
                    "state": "live",
                    "listTime": str(config.listing_ms),
                }
                for inst, m in venue.markets.items()
            ]
        )

    def candles_of(recent_only: bool):
        def answer(q) -> web.Response:
            step = BARS.get(q.get("bar", "1m"))
            if step is None:
                return _error("51000", f"Parameter bar error: the simulator serves {', '.join(BARS)}")
            limit = integer(q, "limit", 100) or 100
            if not 1 <= limit <= CANDLES_MAX:
                return _error("51000", f"Parameter limit error: {limit}")
            m, now = venue.markets[q["instId"]], venue.now()
            last = now // step - 1  # the last closed bar
            first = last - CANDLES_RECENT + 1 if recent_only else -(-config.listing_ms // step)
            before, after = integer(q, "before"), integer(q, "after")
            if after is not None:  # strictly older than `after`, the newest `limit`
                hi = min(last, (after - 1) // step)
                lo = max(first, hi - limit + 1, (before // step + 1) if before is not None else first)
            elif before is not None:  # strictly newer than `before`, the oldest `limit`
                lo = max(first, before // step + 1)
                hi = min(last, lo + limit - 1)
            else:
                hi, lo = last, max(first, last - limit + 1)
            per = step // MINUTE_MS
            c = series.candles(m.seed, m.coin_id, m.coin, m.venue, m.listing, lo * per, (hi + 1) * per)
            if per > 1:
                c = series.aggregate(c, per)
            cols = [c[k][::-1].tolist() for k in ("t", "o", "h", "l", "c", "v")]
            sizes = _contracts(m, c["v"][::-1]).tolist()
            return _ok(
                [
                    [str(t), str(o), str(h), str(lo_), str(cl), str(n), str(v), str(round(v * cl, 2)), "1"]
                    for t, o, h, lo_, cl, v, n in zip(*cols, sizes)
                ]
            )

        return answer

    def funding_history(q) -> web.Response:
        limit = integer(q, "limit", FUNDING_MAX) or FUNDING_MAX
        if not 1 <= limit <= FUNDING_MAX:
            return _error("51000", f"Parameter limit error: {limit}")
        m, now = venue.markets[q["instId"]], venue.now()
        step = m.venue.funding_hours * HOUR_MS
        first = max(config.listing_ms, now - FUNDING_RETENTION_MS)
        times, rates = series.funding(m.seed, m.coin_id, m.venue, first // HOUR_MS, now // HOUR_MS + 1)
        chosen = _newest(times, integer(q, "before"), integer(q, "after"), limit)
        by_time = dict(zip(times.tolist(), rates.tolist()))
        return _ok(
            [
                {
                    "instType": "SWAP",
                    "instId": q["instId"],
                    "fundingRate": f"{by_time[t]:.8f}",
                    "realizedRate": f"{by_time[t]:.8f}",
                    "fundingTime": str(t),
                    "method": "current_period",
                    "formulaType": "noRate",
                }
                for t in chosen.tolist()
                if t >= first and step
            ]
        )

    def funding_rate(q) -> web.Response:
        m, now = venue.markets[q["instId"]], venue.now()
        step = m.venue.funding_hours * HOUR_MS
        _, rates = series.funding(m.seed, m.coin_id, m.venue, now // HOUR_MS - 8, now // HOUR_MS + 9)
        nxt = (now // step + 1) * step
        return _ok(
            [
                {
                    "instType": "SWAP",
                    "instId": q["instId"],
                    "fundingRate": f"{rates[-2]:.8f}",
                    "nextFundingRate": "",
                    "fundingTime": str(nxt),
                    "nextFundingTime": str(nxt + step),
                    "ts": str(now),
                }
            ]
        )

    def oi_rows(q, inst: str, period: int, limit: int) -> list[list[str]]:
        """`[ts, oi (contracts), oiCcy, oiUsd]` newest first, within begin/end and the retention."""
        m, now = venue.markets[inst], venue.now()
        last = now // period * period
        first = max(config.listing_ms, last - (OI_RETENTION_ROWS - 1) * period) // period * period
        times = np.arange(first, last + 1, period)
        begin, end = integer(q, "begin"), integer(q, "end")
        inside = ((begin is None) | (times >= (begin or 0))) & ((end is None) | (times <= (end or 0)))
        times = times[inside][-limit:][::-1]
        oi = series.open_interest(m, times)
        px = [book.last_price(m, int(t)) for t in times.tolist()]
        return [
            [str(t), f"{c:.2f}", f"{o:.3f}", f"{o * p:.2f}"]
            for t, c, o, p in zip(times.tolist(), _contracts(m, oi).tolist(), oi.tolist(), px)
        ]

    def oi_history(q) -> web.Response:
        period = OI_PERIODS.get(q.get("period", "5m"))
        if period is None:
            return _error("51000", "Parameter period error")
        limit = integer(q, "limit", OI_MAX) or OI_MAX
        if not 1 <= limit <= OI_MAX:
            return _error("51000", f"Parameter limit error: {limit}")
        return _ok(oi_rows(q, q["instId"], period, limit))

    def oi_volume(q) -> web.Response:
        """Open interest and volume per currency (what ccxt 4.5.6x reads): `[ts, oiUsd, volUsd]`."""
        symbol = next((s for s, m in venue.markets.items() if m.listing.base == q.get("ccy")), None)
        period = OI_PERIODS.get(q.get("period", "5m"))
        if symbol is None:
            return _error("51001", f"Instrument ID or Spread ID doesn't exist. (ccy {q.get('ccy')})")
        if period is None:
            return _error("51000", "Parameter period error")
        return _ok([[ts, usd, "0"] for ts, _, _, usd in oi_rows(q, symbol, period, OI_MAX)])

    def open_interest(q) -> web.Response:
        now = venue.now()
        insts = [q["instId"]] if "instId" in q and q["instId"] != "ANY" else list(venue.markets)
        out = []
        for inst in insts:
            m = venue.markets[inst]
            oi = series.open_interest(m, np.asarray([now]))
            px = book.last_price(m, now)
            out.append(
                {
                    "instType": "SWAP",
                    "instId": inst,
                    "oi": f"{oi[0] / m.listing.contract_size:.2f}",
                    "oiCcy": f"{oi[0]:.3f}",
                    "oiUsd": f"{oi[0] * px:.2f}",
                    "ts": str(now),
                }
            )
        return _ok(out)

    def ticker(q) -> web.Response:
        m, now = venue.markets[q["instId"]], venue.now()
        last = book.last_price(m, now)
        bids, asks = book.levels(m, now, 1)
        return _ok(
            [
                {
                    "instType": "SWAP",
                    "instId": q["instId"],
                    "last": str(last),
                    "lastSz": "1",
                    "bidPx": str(bids[0][0]),
                    "bidSz": str(bids[0][1]),
                    "askPx": str(asks[0][0]),
                    "askSz": str(asks[0][1]),
                    "open24h": str(book.last_price(m, now - DAY_MS)),
                    "high24h": str(last),
                    "low24h": str(last),
                    "vol24h": "0",
                    "volCcy24h": "0",
                    "ts": str(now),
                }
            ]
        )

    def books(q) -> web.Response:
        m, now = venue.markets[q["instId"]], venue.now()
        bids, asks = book.levels(m, now, min(integer(q, "sz", 20) or 20, book.LEVELS))
        return _ok(
            [
                {
                    "bids": [[str(p), str(s), "0", "1"] for p, s in bids],
                    "asks": [[str(p), str(s), "0", "1"] for p, s in asks],
                    "ts": str(now),
                }
            ]
        )

    routes = {
        "/public/instruments": ("instruments", instruments),
        "/market/candles": ("candles", candles_of(True)),
        "/market/history-candles": ("history", candles_of(False)),
        "/public/funding-rate-history": ("funding", funding_history),
        "/public/funding-rate": ("funding", funding_rate),
        "/rubik/stat/contracts/open-interest-history": ("oi", oi_history),
        "/rubik/stat/contracts/open-interest-volume": ("oi", oi_volume),
        "/public/open-interest": ("other", open_interest),
        "/market/ticker": ("other", ticker),
        "/market/books": ("other", books),
    }
    for path, (family, handler) in routes.items():
        app.router.add_get(PREFIX + path, guarded(family, handler))

"""InfoClient: the Hyperliquid info API as typed Python (and Arrow tables for time series)."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from hl_pipeline.exchange import validation
from hl_pipeline.exchange.account_payloads import (
    ClearinghouseState,
    Fill,
    parse_clearinghouse_state,
    parse_fills,
)
from hl_pipeline.exchange.book_payloads import L2Book, Trade, parse_l2_book, parse_recent_trades
from hl_pipeline.exchange.intervals import INTERVAL_MS, candle_open, month_start, next_open
from hl_pipeline.exchange.limiter import WeightLimiter
from hl_pipeline.exchange.market_queries import MarketQueries
from hl_pipeline.exchange.pagination import (
    CANDLE_PAGE,
    FILLS_PAGE,
    FUNDING_PAGE,
    expected_candles,
    expected_funding,
    merge_by_time,
    times_of,
)
from hl_pipeline.exchange.series_payloads import (
    CANDLE_SCHEMA,
    FUNDING_SCHEMA,
    parse_candles,
    parse_candles_bytes,
    parse_funding,
)
from hl_pipeline.exchange.stats import ClientStats
from hl_pipeline.exchange.transport import InfoTransport
from hl_pipeline.exchange.universe_payloads import (
    AssetContext,
    Meta,
    parse_all_mids,
    parse_meta,
    parse_meta_and_asset_ctxs,
)
from hl_pipeline.exchange.wallet_queries import WalletQueries
from hl_pipeline.lake.coin_keys import is_spot_name

T = TypeVar("T")


def _with_dex(body: dict, dex: str | None) -> dict:
    """`body` with `"dex"` only when the caller named one."""
    return body if dex is None else {**body, "dex": dex}


class InfoClient(WalletQueries, MarketQueries):
    """POST {base_url}/info, paced by the host's weight budget, retried, validated, parsed.

    The time series, books and universe are here; the wallet and exchange-wide queries come from
    WalletQueries and MarketQueries. Every method sends only the keys its caller gave."""

    candle_page = CANDLE_PAGE
    funding_page = FUNDING_PAGE
    fills_page = FILLS_PAGE

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_retries: int = 6,
        backoff_base: float = 0.25,
        backoff_cap: float = 8.0,
        rate_limit: bool = True,
        retained_candles: int | None = 5000,
        limiter: WeightLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if retained_candles is not None and retained_candles < 1:
            raise ValueError(f"bad retained_candles {retained_candles}: at least 1, or None for unlimited")
        self.base_url = base_url.rstrip("/")
        self.retained_candles = retained_candles
        self._http = InfoTransport(
            self.base_url,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            rate_limit=rate_limit,
            limiter=limiter,
            sleep=sleep,
        )
        self._universe: frozenset[str] | None = None
        self._spot_universe: frozenset[str] | None = None
        self._universe_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"InfoClient({self.base_url!r})"

    @property
    def stats(self) -> ClientStats:
        return self._http.stats

    def _ask(self, body: dict, parse: Callable[[Any, dict], T], expected_items: int = 0) -> T:
        """One info request; `parse(data, body)` turns the decoded JSON into records."""
        return self._http.call(body, lambda data, _: parse(data, body), expected_items)

    # -- validation (before any request is spent) ------------------------------------------

    def universe(self) -> frozenset[str]:
        """Names of the listed perps, from one `meta` request per client."""
        with self._universe_lock:
            if self._universe is None:
                self._universe = frozenset(self.meta().names)
            return self._universe

    def spot_universe(self) -> frozenset[str]:
        """Names of the listed spot pairs (PURR/USDC, @1, ...), from one `spotMeta` request per client."""
        with self._universe_lock:
            if self._spot_universe is None:
                self._spot_universe = frozenset(p.name for p in self.spot_meta().universe)
            return self._spot_universe

    def check_coin(self, coin: str) -> str:
        """`coin` is a listed perp, or a listed spot pair (candles, books and trades serve both)."""
        if is_spot_name(coin):
            return validation.check_coin_in(coin, self.spot_universe(), "spot pairs")
        return validation.check_coin_in(coin, self.universe())

    check_interval = staticmethod(validation.check_interval)
    check_range = staticmethod(validation.check_range)

    def candle_horizon(self, interval: str, now_ms: int) -> int | None:
        """Open time of the oldest candle still served at `now_ms` (None: all history is served).

        The API keeps the newest `retained_candles` per coin and interval, counting the one in
        progress; days before the horizon can be reported unavailable without a request.
        """
        validation.check_interval(interval)
        if self.retained_candles is None:
            return None
        current = candle_open(now_ms, interval)
        back = self.retained_candles - 1
        if interval == "1M":
            return max(0, month_start(current, -back))
        return max(0, current - back * INTERVAL_MS[interval])

    # -- universe ---------------------------------------------------------------------------

    def meta(self, dex: str | None = None) -> Meta:
        """The first perp dex's universe, or builder dex `dex`'s (whose names carry a "dex:" prefix)."""
        body = _with_dex({"type": "meta"}, dex)
        meta = self._ask(body, parse_meta)
        if not dex:
            self._universe = frozenset(meta.names)
        return meta

    def meta_and_asset_ctxs(self, dex: str | None = None) -> tuple[Meta, list[AssetContext]]:
        body = _with_dex({"type": "metaAndAssetCtxs"}, dex)
        meta, ctxs = self._ask(body, parse_meta_and_asset_ctxs)
        if not dex:
            self._universe = frozenset(meta.names)
        return meta, ctxs

    def all_mids(self, dex: str | None = None) -> dict[str, float]:
        """Mid of every coin (spot `@N` and pairs too, on the first dex)."""
        return self._ask(_with_dex({"type": "allMids"}, dex), parse_all_mids)

    # -- time series (Arrow tables, paginated) ---------------------------------------------

    def candles(self, coin: str, interval: str, start_ms: int, end_ms: int) -> pa.Table:
        """Every candle whose span overlaps [start_ms, end_ms] (open time <= end_ms), ascending, unique."""
        self.check_interval(interval)
        self.check_range(start_ms, end_ms)
        self.check_coin(coin)
        pages, cursor, newest = [], start_ms, -1
        while cursor <= end_ms:
            body = {
                "type": "candleSnapshot",
                "req": {"coin": coin, "interval": interval, "startTime": cursor, "endTime": end_ms},
            }
            page = self._http.call(
                body,
                functools.partial(parse_candles, request=body, coin=coin, interval=interval),
                expected_candles(interval, cursor, end_ms, self.candle_page),
                parse_bytes=functools.partial(parse_candles_bytes, coin=coin, interval=interval),
            )
            if not page.num_rows:
                break
            t = times_of(page)
            keep = (t > newest) & (t <= end_ms)
            pages.append(page if keep.all() else page.filter(pa.array(keep)))
            if t.max() <= newest:  # no progress: the server repeated itself
                break
            newest = int(t.max())
            if page.num_rows < self.candle_page:
                break
            cursor = next_open(newest, interval)
        return merge_by_time(pages, CANDLE_SCHEMA)

    def funding_history(self, coin: str, start_ms: int, end_ms: int) -> pa.Table:
        """Funding rows with start_ms <= time <= end_ms, ascending, unique on time."""
        self.check_range(start_ms, end_ms)
        validation.check_coin_in(coin, self.universe())  # perps only: spot pairs pay no funding
        pages, cursor, newest = [], start_ms, -1
        while cursor <= end_ms:
            body = {"type": "fundingHistory", "coin": coin, "startTime": cursor, "endTime": end_ms}
            page = self._http.call(
                body,
                functools.partial(parse_funding, request=body, coin=coin),
                expected_funding(cursor, end_ms, self.funding_page),
            )
            if not page.num_rows:
                break
            t = times_of(page)
            keep = (t > newest) & (t >= start_ms) & (t <= end_ms)
            pages.append(page if keep.all() else page.filter(pa.array(keep)))
            if t.max() <= newest:
                break
            newest = int(t.max())
            if page.num_rows < self.funding_page:
                break
            cursor = newest + 1
        return merge_by_time(pages, FUNDING_SCHEMA)

    # -- books and trades --------------------------------------------------------------------

    def l2_book(self, coin: str, n_sig_figs: int | None = None, mantissa: int | None = None) -> L2Book:
        validation.check_book_aggregation(n_sig_figs, mantissa)
        self.check_coin(coin)
        body: dict[str, Any] = {"type": "l2Book", "coin": coin}
        if n_sig_figs is not None:
            body["nSigFigs"] = n_sig_figs
        if mantissa is not None:
            body["mantissa"] = mantissa
        return self._ask(body, parse_l2_book)

    def recent_trades(self, coin: str) -> list[Trade]:
        """The exchange's latest public trades, newest first."""
        self.check_coin(coin)
        body = {"type": "recentTrades", "coin": coin}
        return self._ask(body, parse_recent_trades, expected_items=20)

    # -- wallets -------------------------------------------------------------------------------

    def user_fills(self, user: str, aggregate_by_time: bool | None = None) -> list[Fill]:
        """The wallet's most recent fills (at most one page), newest first as served.

        `aggregate_by_time=True` merges the partial fills of one crossing order (sent only when given)."""
        body: dict[str, Any] = {"type": "userFills", "user": validation.check_user(user)}
        if aggregate_by_time is not None:
            body["aggregateByTime"] = aggregate_by_time
        return self._ask(body, parse_fills, expected_items=self.fills_page)

    def user_fills_by_time(
        self, user: str, start_ms: int, end_ms: int | None = None, aggregate_by_time: bool | None = None
    ) -> list[Fill]:
        """Fills in [start_ms, end_ms] over as many pages as needed; ascending by (time, tid), unique.

        Pages may come newest-first (as recorded in 2023) or oldest-first (as the docs imply):
        a full newest-first page continues below its oldest fill, an ascending one above its newest.
        """
        validation.check_user(user)
        self.check_range(start_ms, end_ms if end_ms is not None else start_ms)
        seen: dict[tuple, Fill] = {}
        lo, hi = start_ms, end_ms
        while True:
            body: dict[str, Any] = {"type": "userFillsByTime", "user": user, "startTime": lo}
            if hi is not None:
                body["endTime"] = hi
            if aggregate_by_time is not None:
                body["aggregateByTime"] = aggregate_by_time
            fills = self._ask(body, parse_fills, expected_items=self.fills_page)
            fresh = [
                f
                for f in fills
                if f.key not in seen and f.time >= start_ms and (end_ms is None or f.time <= end_ms)
            ]
            seen.update((f.key, f) for f in fresh)
            if len(fills) < self.fills_page or not fresh:
                break
            times = np.fromiter((f.time for f in fills), np.int64, len(fills))
            if times[0] > times[-1]:
                hi = int(times.min())
            else:
                lo = int(times.max())
        return sorted(seen.values(), key=lambda f: (f.time, f.tid or 0))

    def clearinghouse_state(self, user: str, dex: str | None = None) -> ClearinghouseState:
        body = _with_dex({"type": "clearinghouseState", "user": validation.check_user(user)}, dex)
        return self._ask(body, parse_clearinghouse_state)

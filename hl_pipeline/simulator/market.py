"""The simulated market: one object answering every info query from pure functions of (seed, coin, time)."""

from __future__ import annotations

from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.clearinghouse import clearinghouse_state
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.contexts import asset_ctx
from hl_pipeline.simulator.fills import fills_by_time, recent_fills
from hl_pipeline.simulator.funding import funding_rows
from hl_pipeline.simulator.numbers import fmt_lots, fmt_px
from hl_pipeline.simulator.snapshot import Rendered, candle_body, candle_rows
from hl_pipeline.simulator.trades import TradeTape, hash_hex, trade_ids
from hl_pipeline.simulator.wallets import wallets

RECENT_TRADES = 10


class UnknownCoin(LookupError):
    """A coin that is not in the universe."""


class Market:
    """Market data for a config; caches are keyed by the config's seed and coins."""

    def __init__(self, config: SimulatorConfig):
        self.config = config
        seed = config.seed
        self.wallets = wallets(seed)
        self.sources = [CandleSource(seed, i, c, config.listing_ms) for i, c in enumerate(config.coins)]
        self.tape = TradeTape(seed, config.coins, self.wallets, config.listing_ms)

    def coin_id(self, coin: str) -> int:
        """Asset index of a coin, or UnknownCoin."""
        for i, spec in enumerate(self.config.coins):
            if spec.name == coin:
                return i
        raise UnknownCoin(coin)

    def _candle_args(self, coin: str, interval: str, start_ms: int, end_ms: int) -> tuple:
        c = self.config
        source = self.sources[self.coin_id(coin)]
        return (source, coin, interval, start_ms, end_ms, c.now(), c.listing_ms, c.retention, c.candle_page)

    def candles(self, coin: str, interval: str, start_ms: int, end_ms: int) -> list[dict]:
        """candleSnapshot rows."""
        return candle_rows(*self._candle_args(coin, interval, start_ms, end_ms))

    def candle_body(self, coin: str, interval: str, start_ms: int, end_ms: int) -> Rendered:
        """candleSnapshot rows already encoded as the response body (the same JSON as `candles`)."""
        return candle_body(*self._candle_args(coin, interval, start_ms, end_ms))

    def funding(self, coin: str, start_ms: int, end_ms: int | None) -> list[dict]:
        """fundingHistory rows."""
        now = self.config.now()
        end = now if end_ms is None else min(end_ms, now)
        return funding_rows(
            self.config.seed,
            self.coin_id(coin),
            coin,
            start_ms,
            end,
            self.config.listing_ms,
            self.config.funding_page,
        )

    def book(self, coin: str, n_sig_figs: int | None, mantissa: int | None) -> dict:
        """l2Book at now."""
        i = self.coin_id(coin)
        return l2_book(self.config.seed, i, self.config.coins[i], self.config.now(), n_sig_figs, mantissa)

    def ctxs(self) -> list[dict]:
        """Asset contexts of every coin at now."""
        now = self.config.now()
        return [asset_ctx(self.config, i, self.sources[i], now) for i in range(len(self.config.coins))]

    def recent_trades(self, coin: str) -> list[dict]:
        """The latest trades up to now, newest first."""
        i = self.coin_id(coin)
        spec, now = self.config.coins[i], self.config.now()
        t = self.tape.window(i, now - 3_600_000, now)
        t = t.take(slice(max(0, len(t.time) - RECENT_TRADES), None))
        tids, words = trade_ids(self.config.seed, i, t.key)
        users = self.wallets.addresses
        rows = [
            {
                "coin": coin,
                "side": "B" if b else "A",
                "px": fmt_px(px, spec.sz_decimals),
                "sz": fmt_lots(q, spec.sz_decimals),
                "time": tm,
                "hash": hash_hex(w),
                "tid": tid,
                "users": [users[bu], users[se]],
            }
            for tm, px, q, b, bu, se, tid, w in zip(
                t.time.tolist(),
                t.px.tolist(),
                t.lots.tolist(),
                t.buy.tolist(),
                t.buyer.tolist(),
                t.seller.tolist(),
                tids.tolist(),
                words.tolist(),
            )
        ]
        return rows[::-1]

    def user_fills(self, user: str) -> list[dict]:
        """The most recent fills of a wallet, newest first."""
        w = self.wallets.index(user)
        return [] if w is None else recent_fills(self.tape, w, self.config.now(), self.config.fills_page)

    def user_fills_by_time(self, user: str, start_ms: int, end_ms: int | None) -> list[dict]:
        """A wallet's fills in [start, end] (end defaults to now), oldest first."""
        w, now = self.wallets.index(user), self.config.now()
        end = now if end_ms is None else min(end_ms, now)
        return (
            []
            if w is None or end < start_ms
            else fills_by_time(self.tape, w, start_ms, end, self.config.fills_page)
        )

    def user_state(self, user: str) -> dict:
        """clearinghouseState of a wallet at now."""
        return clearinghouse_state(self.tape, self.wallets.index(user), self.config.now())

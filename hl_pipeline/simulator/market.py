"""The simulated market: one object answering every info query from pure functions of (seed, coin, time)."""

from __future__ import annotations

from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.candles import CandleSource
from hl_pipeline.simulator.clearinghouse import clearinghouse_state
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.contexts import all_mids, asset_ctx, mid
from hl_pipeline.simulator.fills import fills_by_time, recent_fills
from hl_pipeline.simulator.funding import funding_rows
from hl_pipeline.simulator.numbers import fmt_lots, fmt_px
from hl_pipeline.simulator.snapshot import Rendered, candle_body, candle_rows
from hl_pipeline.simulator.spot import SPOT_SPECS, spot_ctx
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
        self.wallets = wallets(seed, config.wallet_count)
        self.specs = config.coins + SPOT_SPECS  # perps (index = asset id), then spot pairs
        self.n_perps = len(config.coins)
        self.sources = [CandleSource(seed, i, c, config.listing_ms) for i, c in enumerate(self.specs)]
        carry = config.carry_ms()
        self.tape = TradeTape(seed, config.coins, self.wallets, config.listing_ms, carry)
        self._spot_tape = TradeTape(seed, self.specs, self.wallets, config.listing_ms, carry)
        self._ids = {spec.name: i for i, spec in enumerate(self.specs)}

    def coin_id(self, coin: str) -> int:
        """Index of a perp or spot coin in `specs`, or UnknownCoin."""
        if coin not in self._ids:
            raise UnknownCoin(coin)
        return self._ids[coin]

    def perp_id(self, coin: str) -> int:
        """Asset index of a perp, or UnknownCoin (a spot coin included)."""
        i = self.coin_id(coin)
        if i >= self.n_perps:
            raise UnknownCoin(coin)
        return i

    def tape_of(self, coin_id: int) -> TradeTape:
        """The trade tape holding a coin (wallet fills and positions come from the perp tape only)."""
        return self.tape if coin_id < self.n_perps else self._spot_tape

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
            self.perp_id(coin),
            coin,
            start_ms,
            end,
            self.config.listing_ms,
            self.config.funding_page,
        )

    def book(self, coin: str, n_sig_figs: int | None, mantissa: int | None) -> dict:
        """l2Book at now."""
        i = self.coin_id(coin)
        return l2_book(self.config.seed, i, self.specs[i], self.config.now(), n_sig_figs, mantissa)

    def ctxs(self, now_ms: int | None = None) -> list[dict]:
        """Asset contexts of every perp at a time (default now)."""
        now = self.config.now() if now_ms is None else now_ms
        return [asset_ctx(self.config, i, self.sources[i], now) for i in range(self.n_perps)]

    def spot_ctxs(self, now_ms: int | None = None) -> list[dict]:
        """Spot asset contexts of every pair at a time (default now)."""
        now, seed = self.config.now() if now_ms is None else now_ms, self.config.seed
        return [
            spot_ctx(self.sources[i], self.specs[i], mid(seed, i, self.specs[i], now), now)
            for i in range(self.n_perps, len(self.specs))
        ]

    def mids(self, now_ms: int) -> dict:
        """allMids at a time: perps and spot pairs."""
        return all_mids(self.config.seed, self.specs, now_ms)

    def recent_trades(self, coin: str) -> list[dict]:
        """The latest trades up to now, newest first."""
        i = self.coin_id(coin)
        spec, now = self.specs[i], self.config.now()
        t = self.tape_of(i).window(i, now - 3_600_000, now)
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

"""Simulator settings: seed, clock, coin universe, limits and fault switches."""

from __future__ import annotations

import dataclasses
import time

from hl_pipeline.exchange.intervals import DAY_MS

LISTING_MS = 1_672_531_200_000  # 2023-01-01 00:00 UTC: no market data before this
CARRY_DAYS = 7  # days before the clock's day from which positions carry, by default


@dataclasses.dataclass(frozen=True)
class CoinSpec:
    """A perpetual: name, size decimals, leverage cap, start price, daily vol, activity."""

    name: str
    sz_decimals: int
    max_leverage: int
    start_px: float
    daily_vol: float
    trades_per_min: float
    open_interest: float
    signal: float = 0.0  # planted signal strength (signal.py); set from SimulatorConfig.signal_strength
    integrity: float = 0.0  # planted manipulation rate (manipulation.py); from SimulatorConfig.integrity_rate


DEFAULT_COINS: tuple[CoinSpec, ...] = (
    CoinSpec("BTC", 5, 40, 42_000.0, 0.025, 24.0, 28_000.0),
    CoinSpec("ETH", 4, 25, 2_300.0, 0.032, 18.0, 450_000.0),
    CoinSpec("SOL", 2, 20, 95.0, 0.045, 12.0, 3_200_000.0),
    CoinSpec("BNB", 3, 10, 310.0, 0.028, 3.0, 60_000.0),
    CoinSpec("ARB", 1, 10, 1.25, 0.05, 4.0, 40_000_000.0),
    CoinSpec("HYPE", 2, 10, 18.0, 0.06, 10.0, 9_000_000.0),
    CoinSpec("DOGE", 0, 10, 0.085, 0.05, 6.0, 500_000_000.0),
    CoinSpec("kPEPE", 0, 10, 0.012, 0.07, 5.0, 500_000_000.0),
    CoinSpec("AVAX", 2, 10, 35.0, 0.045, 4.0, 1_500_000.0),
    CoinSpec("LINK", 1, 10, 15.0, 0.04, 4.0, 2_000_000.0),
)


@dataclasses.dataclass
class FaultConfig:
    """Injected faults; probabilities are per request, in 0..1."""

    rate_limit_burst: int = 0  # answer 429 to the next N requests
    server_error: float = 0.0  # 500/502/503
    slow: float = 0.0
    slow_seconds: float = 1.0
    truncated: float = 0.0  # valid headers, half the body, connection dropped
    malformed: float = 0.0  # 200 with invalid JSON
    # WebSocket faults (ws.py), read live on every push
    ws_drop: float = 0.0  # per data message: close the socket abruptly (no close frame, 1006)
    ws_silent: bool = False  # send nothing at all (no data, acks, pongs) and never idle-close
    ws_duplicate: float = 0.0  # per data message: send it twice
    ws_reorder: float = 0.0  # per trades message: hold it and send it after the next one


@dataclasses.dataclass
class SimulatorConfig:
    """Everything that shapes what the simulator serves."""

    seed: int = 0
    now_ms: int | None = None  # None = wall clock; a value freezes the clock
    coins: tuple[CoinSpec, ...] = DEFAULT_COINS
    listing_ms: int = LISTING_MS
    retention: int | None = 5000  # candles kept per (coin, interval), newest only
    rate_limit: bool = True
    weight_per_minute: int = 1200
    candle_page: int = 5000
    funding_page: int = 500
    fills_page: int = 2000
    faults: FaultConfig = dataclasses.field(default_factory=FaultConfig)
    # WebSocket feed (ws.py): wall-clock cadences in ms; the clock starts at now() on connect
    ws_idle_timeout: float = 60.0  # seconds without a server message before the socket is closed
    ws_speed: float = 1.0  # simulated ms per wall ms on a connection's clock
    ws_trade_ms: int = 200  # trades batching period
    # l2Book: every book of a connection is pushed together, ws_book_ms plus an exponential wait of mean
    # ws_book_jitter * ws_book_ms apart: 500 ms and 0.3 give a median of 605 ms and a 10th-90th
    # percentile of 516-849 ms (the real archive: 605 ms, 505-899 ms)
    ws_book_ms: int = 500
    ws_book_jitter: float = 0.3
    ws_fast_book_ms: int = 500  # l2Book with fast=true
    ws_candle_ms: int = 1000
    ws_mids_ms: int = 1000  # allMids (real: ~5 s)
    ws_ctx_ms: int = 1000  # activeAssetCtx
    ws_fills_ms: int = 1000  # userFills (and the other per-user feeds) streaming check
    ws_bbo_ms: int = 100  # bbo change check (pushed only when the best bid or ask changed)
    ws_user_state_ms: int = 1000  # webData2 and activeAssetData
    ws_greeting: bool = False  # send the legacy "Websocket connection established." text frame on connect
    ws_recent_trades: int = 30  # trades in the batch sent right after a trades subscribe
    ws_stream_rate: float | str | None = None  # None: trades in model time; N: replay N trade msgs/s; "burst"
    signal_strength: float = 0.0  # planted 1m momentum signal (signal.py); 0 = null mode, plants nothing
    wallet_count: int = 5_000  # the wallet population (wallets.py: kinds, accounts)
    integrity_rate: float = 0.0  # planted wash rings, spoofs and spikes (manipulation.py); 0 plants none
    # wallets' positions carry from day to day from this time on (positions.py); None: the start of
    # the UTC day CARRY_DAYS before the clock's day when the simulator starts
    positions_from_ms: int | None = None

    def __post_init__(self) -> None:
        if not self.signal_strength >= 0:
            raise ValueError(f"signal_strength must be >= 0, got {self.signal_strength!r}")
        if not self.integrity_rate >= 0:
            raise ValueError(f"integrity_rate must be >= 0, got {self.integrity_rate!r}")
        self.coins = tuple(
            dataclasses.replace(c, signal=self.signal_strength, integrity=self.integrity_rate)
            for c in self.coins
        )

    def now(self) -> int:
        """The simulator clock in ms."""
        return self.now_ms if self.now_ms is not None else int(time.time() * 1000)

    def carry_ms(self) -> int:
        """When wallets' positions start carrying from day to day."""
        if self.positions_from_ms is not None:
            return self.positions_from_ms
        return (self.now() // DAY_MS - CARRY_DAYS) * DAY_MS

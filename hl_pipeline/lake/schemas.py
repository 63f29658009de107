"""Explicit Arrow schemas of every dataset in the lake.

Every row carries the exchange time (`time`, UTC milliseconds) and the local time it was
received or ingested (`ingest_time`). Decimal strings from the API become float64; a string
that is not a finite number is rejected by the parser before it gets here.

Every field carries its description (unit, time zone, meaning) as Arrow field metadata under
`DESCRIPTION_KEY`; `describe(dataset)` returns them by column. Descriptions are documentation
only: schema comparisons and content hashes ignore them.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("ms", tz="UTC")
DESCRIPTION_KEY = b"description"


def _f(name: str, type_: pa.DataType, description: str, *, nullable: bool = True) -> pa.Field:
    """A field with its description in the field metadata."""
    return pa.field(name, type_, nullable=nullable, metadata={DESCRIPTION_KEY: description.encode()})


_COIN = "perpetual's coin symbol, e.g. BTC (Hive partition key: in the path, not the file)"
_INGEST = "when the pipeline fetched the row from the API (UTC, ms); not part of the content hash"
_MARKET_COIN = (
    "lake key of the coin: a perp's symbol (BTC), or a spot pair's path-safe key (PURR-USDC for"
    " PURR/USDC, spot-107 for @107; the views add market and exchange_coin) (Hive partition key:"
    " in the path, not the file)"
)

CANDLES = pa.schema(
    [
        _f("coin", pa.string(), _MARKET_COIN, nullable=False),
        _f("interval", pa.string(), "bar length: 1m 5m 15m 1h 4h 1d ...", nullable=False),
        _f(
            "source",
            pa.string(),
            '"api" (as the exchange served it) or "resampled" (built from complete sets of 1m bars)',
            nullable=False,
        ),
        _f("time", TS, "bar open time (UTC, ms)", nullable=False),
        _f("close_time", TS, "last millisecond of the bar (UTC, ms): open + interval - 1 ms", nullable=False),
        _f("open", pa.float64(), "first trade price in the bar (USD)", nullable=False),
        _f("high", pa.float64(), "highest trade price in the bar (USD)", nullable=False),
        _f("low", pa.float64(), "lowest trade price in the bar (USD)", nullable=False),
        _f("close", pa.float64(), "last trade price in the bar (USD)", nullable=False),
        _f("volume", pa.float64(), "traded size in the bar, in units of the base asset", nullable=False),
        _f("trades", pa.int64(), "number of trades in the bar", nullable=False),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)

FUNDING = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("time", TS, "funding time (UTC, ms), hourly", nullable=False),
        _f("funding_rate", pa.float64(), "funding rate per hour, as a fraction of notional", nullable=False),
        _f(
            "premium",
            pa.float64(),
            "premium of the mark over the oracle price, a fraction; null where absent",
        ),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)

_CTX = "null where the source gave none"
ASSET_CONTEXTS = pa.schema(
    [
        _f("coin", pa.string(), _MARKET_COIN, nullable=False),
        _f(
            "time",
            TS,
            "when the context held (UTC, ms): the archive's minute, or a snapshot's receipt",
            nullable=False,
        ),
        _f("funding", pa.float64(), "hourly funding rate at that time, a fraction"),
        _f("open_interest", pa.float64(), "open interest in units of the base asset"),
        _f("prev_day_px", pa.float64(), "price 24 hours before (USD)"),
        _f("day_ntl_vlm", pa.float64(), "notional volume over the 24 hours before (USD)"),
        _f("premium", pa.float64(), f"premium of the mark over the oracle price, a fraction; {_CTX}"),
        _f("oracle_px", pa.float64(), "oracle price (USD)"),
        _f("mark_px", pa.float64(), "mark price (USD)"),
        _f("mid_px", pa.float64(), f"mid of the best bid and ask (USD); {_CTX}"),
        _f("impact_bid_px", pa.float64(), f"impact bid price (USD); {_CTX}"),
        _f("impact_ask_px", pa.float64(), f"impact ask price (USD); {_CTX}"),
        _f(
            "source",
            pa.string(),
            "'archive' (the asset_ctxs S3 archive) or 'snapshot' (a universe run's context; for a spot"
            " pair, a spotMetaAndAssetCtxs snapshot)",
            nullable=False,
        ),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)

_USER = "wallet address, lowercase hex"
WALLETS = pa.schema(
    [
        _f("user", pa.string(), _USER, nullable=False),
        _f(
            "reason",
            pa.string(),
            "why it is tracked: 'configured', 'top volume' or 'top maker share'",
            nullable=False,
        ),
        _f("volume_usd", pa.float64(), "its notional traded in the day's public trades of the coins (USD)"),
        _f("maker_share", pa.float64(), "share of that notional where it was the resting side"),
        _f("trades", pa.int64(), "public trades it was a side of that day"),
        _f("time", TS, "end of the span the day's trades cover (UTC, ms)", nullable=False),
    ]
)
WALLET_FILLS = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("user", pa.string(), _USER, nullable=False),
        _f("time", TS, "fill time (UTC, ms)", nullable=False),
        _f("px", pa.float64(), "fill price (USD)", nullable=False),
        _f("sz", pa.float64(), "filled size (base units)", nullable=False),
        _f("side", pa.string(), "'B' bought, 'A' sold", nullable=False),
        _f(
            "dir", pa.string(), "what the fill did: Open Long, Close Short, Long > Short, ...", nullable=False
        ),
        _f("start_position", pa.float64(), "signed position before the fill", nullable=False),
        _f(
            "closed_pnl", pa.float64(), "realised PnL of the closed part, gross of fees (USD)", nullable=False
        ),
        _f("fee", pa.float64(), "fee paid, signed (negative: rebate), builder fee included", nullable=False),
        _f("fee_token", pa.string(), "token the fee is paid in"),
        _f("builder_fee", pa.float64(), "builder fee within `fee`; null if none"),
        _f("crossed", pa.bool_(), "true if the wallet took liquidity", nullable=False),
        _f("hash", pa.string(), "transaction hash", nullable=False),
        _f("oid", pa.int64(), "order id: partial fills of one order share it", nullable=False),
        _f("tid", pa.int64(), "trade id; null on 2023-era fills"),
        _f("cloid", pa.string(), "client order id; null if none"),
        _f("twap_id", pa.int64(), "TWAP id; null if none"),
        _f("liquidation", pa.string(), "the liquidation object as JSON; null if not a liquidation fill"),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)
WALLET_POSITIONS = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("user", pa.string(), _USER, nullable=False),
        _f(
            "time",
            TS,
            "when the position held: the end of the day, or now for today (UTC, ms)",
            nullable=False,
        ),
        _f(
            "size",
            pa.float64(),
            "signed position rebuilt from the fills (start position plus signed size)",
            nullable=False,
        ),
        _f(
            "entry_px",
            pa.float64(),
            "size-weighted entry price; null where the opening fills are not in view",
        ),
        _f("fills", pa.int64(), "fills of the day", nullable=False),
        _f("volume_usd", pa.float64(), "notional filled that day (USD)", nullable=False),
        _f("closed_pnl", pa.float64(), "realised PnL that day, gross of fees (USD)", nullable=False),
        _f("fees", pa.float64(), "fees that day, signed (USD)", nullable=False),
        _f("maker_share", pa.float64(), "share of the day's notional filled as maker"),
    ]
)
WALLET_FUNDING = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("user", pa.string(), _USER, nullable=False),
        _f("time", TS, "funding time (UTC, ms), on the hour", nullable=False),
        _f("usdc", pa.float64(), "payment, signed for the wallet: positive received (USDC)", nullable=False),
        _f("szi", pa.float64(), "signed position the payment was on", nullable=False),
        _f("funding_rate", pa.float64(), "the hour's funding rate, a fraction", nullable=False),
        _f("n_samples", pa.int64(), "premium samples behind the rate; null if not given"),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)
WALLET_PNL = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("user", pa.string(), _USER, nullable=False),
        _f(
            "time",
            TS,
            "end of the span the day covers: the end of the day, or now for today (UTC, ms)",
            nullable=False,
        ),
        _f("realised", pa.float64(), "sum of the fills' closedPnl, gross of fees (USD)", nullable=False),
        _f(
            "fees", pa.float64(), "sum of the fills' fees, signed: negative is a rebate (USD)", nullable=False
        ),
        _f(
            "funding",
            pa.float64(),
            "sum of the hourly funding payments, signed for the wallet (USD)",
            nullable=False,
        ),
        _f("net_realised", pa.float64(), "realised - fees + funding (USD)", nullable=False),
        _f("size", pa.float64(), "signed position at `time`, rebuilt from the fills", nullable=False),
        _f(
            "entry_px",
            pa.float64(),
            "entry price of that position; null where its opening fills are not in view",
        ),
        _f("mark_px", pa.float64(), "mark price at `time` (last asset_contexts minute); null if none"),
        _f(
            "unrealised",
            pa.float64(),
            "size x (mark - entry) at `time` (USD); null where entry or mark is unknown",
        ),
        _f("net", pa.float64(), "net_realised + unrealised (USD); null where unrealised is unknown"),
        _f(
            "realised_in_view",
            pa.float64(),
            "closedPnl of the closing fills whose entry price the fills show (USD)",
            nullable=False,
        ),
        _f(
            "realised_rebuilt",
            pa.float64(),
            "the same fills' side x (px - entry) x closed size, from the replayed entry (USD)",
            nullable=False,
        ),
        _f("fills", pa.int64(), "fills of the day", nullable=False),
        _f("payments", pa.int64(), "funding payments of the day", nullable=False),
        _f(
            "funding_size_mismatches",
            pa.int64(),
            "payments whose szi differs from the position the fills give at that hour; null without fills",
        ),
    ]
)
WALLET_PROFILES = pa.schema(
    [
        _f("user", pa.string(), _USER, nullable=False),
        _f("time", TS, "end of the window the profile reads (UTC, ms)", nullable=False),
        _f(
            "kind",
            pa.string(),
            "market_maker, liquidation_prone, whale, bot, smart_money or retail: the first rule that holds",
            nullable=False,
        ),
        _f("reason", pa.string(), "the statistic and threshold that decided the kind", nullable=False),
        _f("cohort", pa.string(), "HyperTracker equity cohort (Shrimp .. Leviathan); null if equity unknown"),
        _f("equity_usd", pa.float64(), "accountValue at or before the window's end (portfolio history)"),
        _f("days", pa.int64(), "days of the window with data for the wallet", nullable=False),
        _f("fills", pa.int64(), "fills in the window", nullable=False),
        _f("fills_per_day", pa.float64(), "fills per day with data", nullable=False),
        _f("volume_usd", pa.float64(), "notional filled in the window (USD)", nullable=False),
        _f("maker_share", pa.float64(), "share of the notional filled as maker (crossed = false)"),
        _f("inventory_ratio", pa.float64(), "mean |end-of-day notional| over the window's gross volume"),
        _f("max_notional_usd", pa.float64(), "largest end-of-day |position| x mark in one coin (USD)"),
        _f(
            "markout_1m_bps",
            pa.float64(),
            "mean signed markout one minute after each fill (bps; + is informed)",
        ),
        _f("markout_5m_bps", pa.float64(), "mean signed markout five minutes after each fill (bps)"),
        _f("markout_1h_bps", pa.float64(), "mean signed markout an hour after each fill (bps)"),
        _f(
            "taker_orders_marked",
            pa.int64(),
            "taker orders (oids) with a price an hour after their fills",
            nullable=False,
        ),
        _f("taker_markout_1h_bps", pa.float64(), "mean over taker orders of the markout an hour on (bps)"),
        _f("taker_markout_1h_tstat", pa.float64(), "t-statistic of that mean; null under 3 orders"),
        _f(
            "pnl_days_positive",
            pa.int64(),
            "days whose net realised PnL (all coins; liquidation and ADL fills left out) was positive",
            nullable=False,
        ),
        _f("pnl_tstat", pa.float64(), "t-statistic of that daily PnL; null under 3 days"),
        _f("interval_cv", pa.float64(), "coefficient of variation of the times between taker orders"),
        _f("second_share", pa.float64(), "share of taker orders in the busiest second of the minute"),
        _f("liquidations", pa.int64(), "fills where the wallet itself was liquidated", nullable=False),
        _f(
            "auto_deleveraged",
            pa.int64(),
            "fills auto-deleveraged against a bankrupt position (dir Auto-Deleveraging)",
            nullable=False,
        ),
        _f("leverage", pa.float64(), "sum of end-of-day |notional| over equity, at its largest day"),
    ]
)

UNIVERSE = pa.schema(
    [
        _f("coin", pa.string(), "perpetual's coin symbol, e.g. BTC", nullable=False),
        _f("time", TS, "when the snapshot was received (UTC, ms)", nullable=False),
        _f("asset_id", pa.int32(), "the exchange's index of the asset in its universe", nullable=False),
        _f("sz_decimals", pa.int32(), "decimals of the order size the exchange accepts", nullable=False),
        _f("max_leverage", pa.int32(), "maximum leverage allowed (x)", nullable=False),
        _f("is_delisted", pa.bool_(), "true if the exchange has delisted the perpetual", nullable=False),
        _f(
            "tracked",
            pa.bool_(),
            "true if the coin is in the configured coin list (HL_COINS)",
            nullable=False,
        ),
        # Asset context; null on days whose context the REST API no longer serves.
        _f("funding", pa.float64(), "current hourly funding rate, a fraction; null without a context"),
        _f("open_interest", pa.float64(), "open interest in units of the base asset; null without a context"),
        _f("prev_day_px", pa.float64(), "price 24 hours before (USD); null without a context"),
        _f(
            "day_ntl_vlm",
            pa.float64(),
            "notional volume over the last 24 hours (USD); null without a context",
        ),
        _f(
            "day_base_vlm",
            pa.float64(),
            "volume over the last 24 hours in units of the base asset; null without a context",
        ),
        _f("premium", pa.float64(), "premium of the mark over the oracle price, a fraction; null if absent"),
        _f("oracle_px", pa.float64(), "oracle price (USD); null without a context"),
        _f("mark_px", pa.float64(), "mark price (USD); null without a context"),
        _f("mid_px", pa.float64(), "mid of the best bid and ask (USD); null without a context or book"),
        _f("impact_bid_px", pa.float64(), "impact bid price (USD); null without a context"),
        _f("impact_ask_px", pa.float64(), "impact ask price (USD); null without a context"),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)

TRADES = pa.schema(
    [
        _f("coin", pa.string(), _MARKET_COIN, nullable=False),
        _f("time", TS, "exchange time of the trade (UTC, ms)", nullable=False),
        _f("px", pa.float64(), "trade price (USD)", nullable=False),
        _f("sz", pa.float64(), "trade size in units of the base asset", nullable=False),
        _f("side", pa.string(), 'aggressor side: "B" buy, "A" sell', nullable=False),
        _f("tid", pa.int64(), "the exchange's trade id", nullable=False),
        _f("hash", pa.string(), "hash of the transaction that produced the trade", nullable=False),
        _f("buyer", pa.string(), "wallet address of the buyer", nullable=False),
        _f("seller", pa.string(), "wallet address of the seller", nullable=False),
        _f(
            "receive_time",
            TS,
            "when the collector (or, for archived days, the node) received the trade (UTC, ms)",
            nullable=False,
        ),
    ]
)

BOOK_SNAPSHOTS = pa.schema(
    [
        _f("coin", pa.string(), _MARKET_COIN, nullable=False),
        _f("time", TS, "exchange time of the book snapshot (UTC, ms)", nullable=False),
        _f("side", pa.string(), '"bid" or "ask"', nullable=False),
        _f("level", pa.int16(), "price level on its side, 0 = best", nullable=False),
        _f("px", pa.float64(), "price of the level (USD)", nullable=False),
        _f("sz", pa.float64(), "resting size at the level in units of the base asset", nullable=False),
        _f("n", pa.int32(), "number of orders resting at the level", nullable=False),
        _f("receive_time", TS, "when the snapshot was received (UTC, ms)", nullable=False),
    ]
)

COLLECTOR_GAPS = pa.schema(
    [
        _f("channel", pa.string(), 'the WebSocket channel: "trades" or "l2Book"', nullable=False),
        _f("coin", pa.string(), "perpetual's coin symbol, e.g. BTC", nullable=False),
        _f("start", TS, "receive time of the last message before the gap (UTC, ms)", nullable=False),
        _f("end", TS, "receive time of the first message after the gap (UTC, ms)", nullable=False),
        _f("cause", pa.string(), 'why data is missing: "disconnect", "silent" or "start"', nullable=False),
        _f("receive_time", TS, "when the gap was recorded (UTC, ms)", nullable=False),
    ]
)
"""The collector's landing schema for gap records."""

GAP_CANDLES = pa.schema(
    [
        _f("coin", pa.string(), "perpetual's coin symbol, e.g. BTC", nullable=False),
        _f("time", TS, "open time of a 1m bar a gap touched (UTC, ms)", nullable=False),
        _f("trades", pa.int64(), "trades the exchange counted in that minute", nullable=False),
        _f("volume", pa.float64(), "volume of that minute in units of the base asset", nullable=False),
        _f("low", pa.float64(), "lowest trade price of that minute (USD)", nullable=False),
        _f("high", pa.float64(), "highest trade price of that minute (USD)", nullable=False),
        _f("receive_time", TS, "when the collector fetched the candle over REST (UTC, ms)", nullable=False),
    ]
)
"""The collector's REST reconciliation after a trades gap: what the exchange's 1m candles say the
missed minutes held."""

_VENUE = "ccxt id of the venue, e.g. binanceusdm"
_SYMBOL = "the venue's market as a ccxt unified symbol, e.g. BTC/USDT:USDT or BTC/USD"
_HL_UNITS = "in units of the Hyperliquid coin (kPEPE: thousands of PEPE)"

VENUE_MARKETS = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("venue", pa.string(), _VENUE, nullable=False),
        _f("symbol", pa.string(), _SYMBOL, nullable=False),
        _f(
            "market_id",
            pa.string(),
            "the venue's own id of the market, e.g. BTCUSDT or BTC-USDT-SWAP",
            nullable=False,
        ),
        _f("base", pa.string(), "the venue's base asset, e.g. 1000PEPE", nullable=False),
        _f(
            "quote",
            pa.string(),
            "the quote currency, as the venue names it (USDT, USD); not normalised",
            nullable=False,
        ),
        _f("type", pa.string(), '"swap" (a perpetual) or "spot"', nullable=False),
        _f(
            "contract_size",
            pa.float64(),
            "base units per contract, from the venue (1 for spot)",
            nullable=False,
        ),
        _f(
            "price_multiplier",
            pa.float64(),
            "Hyperliquid price per venue price (1000 for PEPE against kPEPE, else 1)",
            nullable=False,
        ),
        _f("time", TS, "when the venue's markets were loaded (UTC, ms)", nullable=False),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)

VENUE_CANDLES = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("venue", pa.string(), _VENUE, nullable=False),
        _f("symbol", pa.string(), _SYMBOL, nullable=False),
        _f("time", TS, "1m bar open time (UTC, ms)", nullable=False),
        _f(
            "open",
            pa.float64(),
            "first price of the bar, per Hyperliquid coin (quote currency)",
            nullable=False,
        ),
        _f("high", pa.float64(), "highest price of the bar, per Hyperliquid coin", nullable=False),
        _f("low", pa.float64(), "lowest price of the bar, per Hyperliquid coin", nullable=False),
        _f("close", pa.float64(), "last price of the bar, per Hyperliquid coin", nullable=False),
        _f("volume", pa.float64(), f"traded size in the bar, {_HL_UNITS}", nullable=False),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)

VENUE_FUNDING = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("venue", pa.string(), _VENUE, nullable=False),
        _f("symbol", pa.string(), _SYMBOL, nullable=False),
        _f("time", TS, "funding settlement time (UTC, ms)", nullable=False),
        _f("funding_rate", pa.float64(), "the venue's rate for its own interval, a fraction", nullable=False),
        _f(
            "interval_hours",
            pa.float64(),
            "the venue's funding interval in hours (8 on most venues)",
            nullable=False,
        ),
        _f(
            "funding_rate_hourly",
            pa.float64(),
            "funding_rate / interval_hours: comparable with Hyperliquid's hourly rate",
            nullable=False,
        ),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)

VENUE_OPEN_INTEREST = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("venue", pa.string(), _VENUE, nullable=False),
        _f("symbol", pa.string(), _SYMBOL, nullable=False),
        _f("time", TS, "open-interest sample time (UTC, ms), hourly", nullable=False),
        _f(
            "open_interest",
            pa.float64(),
            f"open interest {_HL_UNITS}; where the venue gives only USD, at its hourly open price",
        ),
        _f(
            "open_interest_usd",
            pa.float64(),
            "open interest in quote currency; null where the venue gives none",
        ),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)

# The ml datasets. Feature names and flags mirror hl_pipeline.ml.features.catalog (a test keeps
# them equal; this module does not import hl_pipeline.ml, which is kept out of code-location load).
_FEATURE_DOCS = {
    "ret_1": "log return of the close over 1 bar",
    "ret_5": "log return of the close over 5 bars",
    "ret_15": "log return of the close over 15 bars",
    "ret_60": "log return of the close over 60 bars",
    "rv_15": "realized volatility: square root of summed squared 1-bar log returns over 15 bars",
    "rv_60": "realized volatility: square root of summed squared 1-bar log returns over 60 bars",
    "range_1": "(high - low) / close of the bar, a fraction",
    "atr_14": "mean true range over 14 bars / close, a fraction",
    "rsi_14": "relative strength index from 14-bar sums of gains and losses, 0..100 (50 when flat)",
    "macd": "(12-bar mean - 26-bar mean of the close) / close, a fraction",
    "macd_hist": "macd minus its 9-bar mean",
    "volume_z_60": "z-score of log(1 + volume) in a 60-bar window (0 when flat)",
    "trades_z_60": "z-score of log(1 + trade count) in a 60-bar window",
    "body": "(close - open) / (high - low), -1..1 (0 for a flat bar)",
    "upper_wick": "(high - max(open, close)) / (high - low), 0..1",
    "lower_wick": "(min(open, close) - low) / (high - low), 0..1",
    "htf_ret_1h": "log return of the last closed hour",
    "htf_range_1h": "(high - low) / close of the last closed hour, a fraction",
    "spread_bps": "best ask - best bid over the mid, basis points",
    "depth_10bps": "USD resting within 10 bps of the mid, both sides",
    "depth_25bps": "USD resting within 25 bps of the mid, both sides",
    "depth_50bps": "USD resting within 50 bps of the mid, both sides",
    "imbalance_l0": "(bid size - ask size) / (bid size + ask size) at the best level, -1..1",
    "imbalance_top5": "(bid size - ask size) / (bid size + ask size) over the top 5 levels, -1..1",
    "microprice_dev_bps": "size-weighted microprice minus the mid, basis points",
    "book_age_s": "age of the book snapshot used at the bar's close, seconds",
    "signed_volume": "aggressor-signed volume in the bar (buys positive), units of the base asset",
    "flow_imbalance": "signed volume / total volume in the bar, -1..1 (0 without trades)",
    "flow_imbalance_15": "signed volume / total volume over 15 bars, -1..1",
    "trade_count_imbalance": "(buys - sells) / trades in the bar, -1..1",
    "large_trades": "trades of at least 100,000 USD notional in the bar",
    "distinct_wallets": "distinct buyer and seller wallets in the bar",
    "top_wallet_share": "share of the bar's volume traded by its 5 largest wallets, 0..1",
    "funding_rate": "last hourly funding rate, a fraction",
    "funding_change_8h": "funding rate now minus 8 hours before",
    "premium": "last premium of the mark over the oracle price, a fraction",
    "premium_change_1h": "premium now minus 1 hour before",
    "oi_change_24h": "log change of open interest over 24 hours",
    "btc_ret_1": "BTC's (the reference coin's) 1-bar log return",
    "btc_ret_15": "BTC's (the reference coin's) 15-bar log return",
    "beta_btc_60": "rolling beta of 1-bar log returns to BTC's over 60 bars",
    "corr_btc_60": "rolling correlation of 1-bar log returns with BTC's over 60 bars",
    "venue_basis_bps": "close over the other venues' oracle-weighted median close - 1, basis points",
    "venue_ret_5": "the other venues' median log return over 5 bars",
    "venue_lead_lag_5": "own 5-bar log return minus the other venues' median's",
    "funding_spread_hourly": "hourly funding rate minus the other venues' mean rate normalised to an hour",
    "oi_share": "open interest over its own plus the other venues' (in the coin's units), 0..1",
    "whale_net_flow": "base volume whale wallets bought minus sold in the bar (classes from earlier days)",
    "smart_money_net_position": "smart-money wallets' summed signed position at the bar's close, base units",
    "mm_inventory": "market makers' summed signed position at the bar's close, base units",
    "liquidation_volume": "base volume of the bar's fills where the wallet itself was liquidated",
    "hour_of_day": "UTC hour of the bar's open, 0..23",
    "day_of_week": "UTC weekday of the bar's open, Monday 0 .. Sunday 6",
}
FEATURE_NAMES = list(_FEATURE_DOCS)
_INPUT_DOCS = {
    "candles": "the coin's candles",
    "btc": "BTC's (the reference coin's) candles",
    "book": "a fresh book snapshot",
    "trades": "the trade feed",
    "funding": "a recent funding rate",
    "premium": "a recent premium",
    "oi": "a recent open interest",
    "venues": "the other venues' 1m candles",
    "venue_funding": "a recent funding rate of another venue",
    "venue_oi": "a recent open interest of another venue",
    "wallet_fills": "a recent fill of a tracked wallet",
    "wallet_classes": "a wallet profile of an earlier day",
}
MISSING_FLAGS = tuple(f"{name}_missing" for name in _INPUT_DOCS)

FEATURES = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("time", TS, "bar open time (UTC, ms); the features are known at the bar's close", nullable=False),
        _f(
            "interval",
            pa.string(),
            'the bar the features are computed on: "1m", "5m" or "15m"',
            nullable=False,
        ),
        *(
            _f(name, pa.float64(), f"{doc}; null where an input was missing")
            for name, doc in _FEATURE_DOCS.items()
        ),
        *(
            _f(f"{name}_missing", pa.bool_(), f"true where {doc} was missing at the bar", nullable=False)
            for name, doc in _INPUT_DOCS.items()
        ),
    ]
)

LABELS = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("time", TS, "bar open time (UTC, ms); entry at the bar's close", nullable=False),
        _f("interval", pa.string(), 'the bar: "1m", "5m" or "15m"', nullable=False),
        _f("horizon_min", pa.int32(), "label horizon after the bar's close, minutes", nullable=False),
        _f(
            "known_time", TS, "when the label becomes knowable: bar close + horizon (UTC, ms)", nullable=False
        ),
        _f("fwd_log_return", pa.float64(), "log return of the close over the horizon; null until knowable"),
        _f(
            "direction",
            pa.int8(),
            "sign of the forward return: -1, 0 (inside the dead zone), +1; null until knowable",
        ),
        _f(
            "triple_barrier",
            pa.int8(),
            "+1 upper barrier touched first, -1 lower, 0 neither (or both in one bar); null until knowable",
        ),
    ]
)

TRAINING_SET = pa.schema(
    [
        _f("dataset", pa.string(), "input dataset: features or labels", nullable=False),
        _f("coin", pa.string(), "perpetual's coin symbol, e.g. BTC", nullable=False),
        _f("time", TS, "start of the input partition's day (UTC)", nullable=False),
        _f(
            "content_hash",
            pa.string(),
            "the input partition's content hash when the set was built; training refuses another",
            nullable=False,
        ),
        _f("rows", pa.int64(), "rows the input partition held", nullable=False),
    ]
)
"""A training set is a selection, not a copy: one row per feature or label partition it reads."""

PREDICTIONS = pa.schema(
    [
        _f("coin", pa.string(), _COIN, nullable=False),
        _f("time", TS, "bar open time (UTC, ms); the prediction is made at the bar's close", nullable=False),
        _f("horizon_min", pa.int32(), "prediction horizon after the bar's close, minutes", nullable=False),
        _f(
            "model_name", pa.string(), "registered model that scored the row, e.g. hl_BTC_15m", nullable=False
        ),
        _f("model_version", pa.string(), "the champion's registered version when scored", nullable=False),
        _f("pred_class", pa.int8(), "predicted direction: -1 down, +1 up; null where the bar was missing"),
        _f(
            "score",
            pa.float64(),
            "expected direction, prob_up - prob_down, in [-1, 1]; null where the bar was missing",
        ),
        _f(
            "prob_down",
            pa.float64(),
            "probability the price ends the horizon down, 0..1; null where the bar was missing",
        ),
        _f(
            "prob_up",
            pa.float64(),
            "probability the price ends the horizon up, 0..1; null where the bar was missing",
        ),
        _f(
            "position",
            pa.int8(),
            "the served rule: +1 long when score > min_edge, -1 short below -min_edge, else 0 (flat);"
            " entered latency_bars after the bar's close and held for the horizon",
        ),
    ]
)

LIVE_SCORES = pa.schema(
    [
        _f("time", TS, "start of the scored day (UTC, ms); the day is the partition key", nullable=False),
        _f("target", pa.string(), "model target, coin x label horizon, e.g. BTC_15m", nullable=False),
        _f(
            "model_name", pa.string(), "registered model that served the day, e.g. hl_BTC_15m", nullable=False
        ),
        _f("model_version", pa.string(), "the registered version that served the day", nullable=False),
        _f("bars", pa.int64(), "served bars whose label is known: the bars scored", nullable=False),
        _f("labelled", pa.int64(), "scored bars outside the dead zone (direction -1 or +1)", nullable=False),
        _f(
            "pending",
            pa.int64(),
            "served bars whose label is not known (yet, or ever: a gap); left out of every score",
            nullable=False,
        ),
        _f("accuracy", pa.float64(), "share of labelled bars whose predicted class was the direction, 0..1"),
        _f("ic", pa.float64(), "Spearman correlation of score and forward log return over the scored bars"),
        _f(
            "net_return",
            pa.float64(),
            "the served strategy's net-of-cost return on the scored bars, compounded from flat (a fraction)",
        ),
        _f(
            "net_sharpe",
            pa.float64(),
            "annualised Sharpe ratio of the day's per-bar net returns (0 when flat)",
        ),
        _f("net_bars", pa.int64(), "bars in the day's per-bar net return series", nullable=False),
        _f("net_mean", pa.float64(), "mean per-bar net return (simple, a fraction)"),
        _f("net_sd", pa.float64(), "standard deviation of the per-bar net returns (ddof 1)"),
        _f(
            "champion_lcb",
            pa.float64(),
            "the serving version's oos_net_sharpe_lcb: lower bound of its annualised out-of-sample Sharpe",
        ),
        _f(
            "max_psi",
            pa.float64(),
            "largest PSI of a model feature over the day's served bars against the version's training data",
        ),
        _f(
            "drifted",
            pa.string(),
            "model features with PSI >= 0.25 (a major shift), largest first, comma-separated; empty if none",
            nullable=False,
        ),
        _f(
            "trailing_sharpe",
            pa.float64(),
            "annualised net Sharpe of all bars of the last up to 7 days (this day too) the version served",
        ),
        _f(
            "decayed",
            pa.bool_(),
            "true when trailing_sharpe is significantly below champion_lcb (its one-sided 95% upper"
            " bound is below it)",
            nullable=False,
        ),
    ]
)
"""Live truth: one row per target and day, the served predictions scored once their labels are known."""


def _events(what: str) -> pa.Schema:
    return pa.schema(
        [
            _f("type", pa.string(), f"kind of {what} event", nullable=False),
            _f("time", TS, "start of the event's window (UTC, ms)", nullable=False),
            _f("end_time", TS, "end of the event's window (UTC, ms)", nullable=False),
            _f(
                "addresses",
                pa.list_(pa.string()),
                "wallets behind the event (empty when the data has no identity)",
            ),
            _f("volume_usd", pa.float64(), "notional involved (USD)", nullable=False),
            _f("score", pa.float64(), "detector score in [0, 1]; higher is stronger", nullable=False),
            _f("evidence", pa.string(), "JSON: the statistics that decided it and the declared parameters"),
            _f("ingest_time", TS, "when the detector wrote the row (UTC, ms); not part of the content hash"),
        ]
    )


WASH_TRADES = _events("wash-trading")
"""Wash rings per coin-day: address pairs and cycles trading back and forth, ending flat; and clusters
of linked addresses whose orders are co-timed."""
SPOOFING = _events("spoofing")
"""Spoof episodes per coin-day from the book snapshots (no identity)."""
MARKET_ANOMALIES = _events("market-anomaly")
"""Volume and price spikes, pump-and-dump episodes, markings around funding, liquidation cascades and
correlation breaks per coin-day."""
VENUE_INTEGRITY = pa.schema(
    [
        _f("time", TS, "start of the day (UTC)", nullable=False),
        *(
            _f(name, pa.float64(), text)
            for name, text in {
                "trades": "trades in the coin-day",
                "benford_chi2": "chi-square (df 8) of the notionals' first digits against Benford's law",
                "benford_p": "its p-value",
                "benford_mad": "mean absolute deviation from Benford (Nigrini: > 0.015 non-conforming)",
                "round_share": "share of trades at one-significant-digit sizes",
                "round_ratio": "round-size count over the mean of its two neighbours (1 = no clustering)",
                "round_p": "one-sided binomial p-value of round-size clustering",
                "tail_alpha": "power-law exponent of trade notionals above tail_xmin (Hill MLE)",
                "tail_xmin": "90th percentile of notional: where the tail fit starts (USD)",
                "tail_ks": "Kolmogorov-Smirnov distance of the tail fit",
                "tail_ks_p": "its p-value",
                "second_chi2": "chi-square (df 59) of the second-of-minute of trades against uniform",
                "second_p": "its p-value",
            }.items()
        ),
        _f("ingest_time", TS, _INGEST, nullable=False),
    ]
)
"""Venue statistics per coin-day (Cong et al. 2023)."""


SCHEMAS: dict[str, pa.Schema] = {
    "candles": CANDLES,
    "funding": FUNDING,
    "asset_contexts": ASSET_CONTEXTS,
    "wallets": WALLETS,
    "wallet_fills": WALLET_FILLS,
    "wallet_positions": WALLET_POSITIONS,
    "wallet_funding": WALLET_FUNDING,
    "wallet_pnl": WALLET_PNL,
    "wallet_profiles": WALLET_PROFILES,
    "universe": UNIVERSE,
    "trades": TRADES,
    "book_snapshots": BOOK_SNAPSHOTS,
    "venue_markets": VENUE_MARKETS,
    "venue_candles": VENUE_CANDLES,
    "venue_funding": VENUE_FUNDING,
    "venue_open_interest": VENUE_OPEN_INTEREST,
    # ml datasets (features, labels, training_set) are registered below this line
    "features": FEATURES,
    "labels": LABELS,
    "training_set": TRAINING_SET,
    "predictions": PREDICTIONS,
    "live_scores": LIVE_SCORES,
    "wash_trades": WASH_TRADES,
    "spoofing": SPOOFING,
    "market_anomalies": MARKET_ANOMALIES,
    "venue_integrity": VENUE_INTEGRITY,
}
"""Datasets the lake holds. COLLECTOR_GAPS is the collector's landing schema for gap records."""
UNPARTITIONED_BY_COIN = frozenset({"universe", "wallets", "wallet_profiles", "training_set", "live_scores"})


def description(field: pa.Field) -> str:
    """The description of `field` ("" if it has none)."""
    return (field.metadata or {}).get(DESCRIPTION_KEY, b"").decode()


def describe(dataset: str | pa.Schema) -> dict[str, str]:
    """Column -> description of a dataset in SCHEMAS (or of a schema), in column order."""
    schema = SCHEMAS[dataset] if isinstance(dataset, str) else dataset
    return {field.name: description(field) for field in schema}

"""Explicit Arrow schemas of every dataset in the lake.

Every row carries the exchange time (`time`, UTC milliseconds) and the local time it was
received or ingested (`ingest_time`). Decimal strings from the API become float64; a string
that is not a finite number is rejected by the parser before it gets here.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("ms", tz="UTC")

CANDLES = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("interval", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),  # "api" or "resampled" (from 1m)
        pa.field("time", TS, nullable=False),  # open time
        pa.field("close_time", TS, nullable=False),  # T: last millisecond of the bar
        pa.field("open", pa.float64(), nullable=False),
        pa.field("high", pa.float64(), nullable=False),
        pa.field("low", pa.float64(), nullable=False),
        pa.field("close", pa.float64(), nullable=False),
        pa.field("volume", pa.float64(), nullable=False),  # base-asset volume
        pa.field("trades", pa.int64(), nullable=False),
        pa.field("ingest_time", TS, nullable=False),
    ]
)

FUNDING = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("time", TS, nullable=False),
        pa.field("funding_rate", pa.float64(), nullable=False),  # hourly rate
        pa.field("premium", pa.float64()),  # absent or "NaN" on some rows
        pa.field("ingest_time", TS, nullable=False),
    ]
)

UNIVERSE = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("time", TS, nullable=False),  # when the snapshot was received
        pa.field("asset_id", pa.int32(), nullable=False),
        pa.field("sz_decimals", pa.int32(), nullable=False),
        pa.field("max_leverage", pa.int32(), nullable=False),
        pa.field("is_delisted", pa.bool_(), nullable=False),
        pa.field("tracked", pa.bool_(), nullable=False),  # in the configured coin list
        # Asset context; null on days whose context the REST API no longer serves.
        pa.field("funding", pa.float64()),
        pa.field("open_interest", pa.float64()),
        pa.field("prev_day_px", pa.float64()),
        pa.field("day_ntl_vlm", pa.float64()),
        pa.field("day_base_vlm", pa.float64()),
        pa.field("premium", pa.float64()),
        pa.field("oracle_px", pa.float64()),
        pa.field("mark_px", pa.float64()),
        pa.field("mid_px", pa.float64()),
        pa.field("impact_bid_px", pa.float64()),
        pa.field("impact_ask_px", pa.float64()),
        pa.field("ingest_time", TS, nullable=False),
    ]
)

TRADES = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("time", TS, nullable=False),
        pa.field("px", pa.float64(), nullable=False),
        pa.field("sz", pa.float64(), nullable=False),
        pa.field("side", pa.string(), nullable=False),  # aggressor: "B" buy, "A" sell
        pa.field("tid", pa.int64(), nullable=False),
        pa.field("hash", pa.string(), nullable=False),
        pa.field("buyer", pa.string(), nullable=False),
        pa.field("seller", pa.string(), nullable=False),
        pa.field("receive_time", TS, nullable=False),  # when the collector received it
    ]
)

BOOK_SNAPSHOTS = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("time", TS, nullable=False),
        pa.field("side", pa.string(), nullable=False),  # "bid" or "ask"
        pa.field("level", pa.int16(), nullable=False),  # 0 = best
        pa.field("px", pa.float64(), nullable=False),
        pa.field("sz", pa.float64(), nullable=False),
        pa.field("n", pa.int32(), nullable=False),  # orders at the level
        pa.field("receive_time", TS, nullable=False),
    ]
)

COLLECTOR_GAPS = pa.schema(
    [
        pa.field("channel", pa.string(), nullable=False),  # "trades", "l2Book"
        pa.field("coin", pa.string(), nullable=False),
        pa.field("start", TS, nullable=False),  # receive time of the last message before the gap
        pa.field("end", TS, nullable=False),  # receive time of the first message after it
        pa.field("cause", pa.string(), nullable=False),  # "disconnect", "silent", "start"
        pa.field("receive_time", TS, nullable=False),  # when the gap was recorded
    ]
)

GAP_CANDLES = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("time", TS, nullable=False),  # 1m open of a minute a gap touched
        pa.field("trades", pa.int64(), nullable=False),  # trades the exchange counted in that minute
        pa.field("volume", pa.float64(), nullable=False),
        pa.field("low", pa.float64(), nullable=False),
        pa.field("high", pa.float64(), nullable=False),
        pa.field("receive_time", TS, nullable=False),  # when the collector fetched it over REST
    ]
)
"""The collector's REST reconciliation after a trades gap: what the exchange's 1m candles say the
missed minutes held."""

# The ml datasets. Feature names and flags mirror hl_pipeline.ml.features.catalog (a test keeps
# them equal; this module does not import hl_pipeline.ml, which is kept out of code-location load).
FEATURE_NAMES = [
    "ret_1",
    "ret_5",
    "ret_15",
    "ret_60",
    "rv_15",
    "rv_60",
    "range_1",
    "atr_14",
    "rsi_14",
    "macd",
    "macd_hist",
    "volume_z_60",
    "trades_z_60",
    "body",
    "upper_wick",
    "lower_wick",
    "htf_ret_1h",
    "htf_range_1h",
    "spread_bps",
    "depth_10bps",
    "depth_25bps",
    "depth_50bps",
    "imbalance_l0",
    "imbalance_top5",
    "microprice_dev_bps",
    "book_age_s",
    "signed_volume",
    "flow_imbalance",
    "flow_imbalance_15",
    "trade_count_imbalance",
    "large_trades",
    "distinct_wallets",
    "top_wallet_share",
    "funding_rate",
    "funding_change_8h",
    "premium",
    "premium_change_1h",
    "oi_change_24h",
    "btc_ret_1",
    "btc_ret_15",
    "beta_btc_60",
    "corr_btc_60",
    "hour_of_day",
    "day_of_week",
]
MISSING_FLAGS = tuple(
    f"{name}_missing" for name in ("candles", "btc", "book", "trades", "funding", "premium", "oi")
)
LABEL_HORIZONS_MIN = (5, 15, 60)

FEATURES = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("time", TS, nullable=False),  # bar open; the features are known at its close
        pa.field("interval", pa.string(), nullable=False),  # the bar: "1m", "5m" or "15m"
        *(pa.field(name, pa.float64()) for name in FEATURE_NAMES),  # null where missing
        *(pa.field(flag, pa.bool_(), nullable=False) for flag in MISSING_FLAGS),
    ]
)

LABELS = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("time", TS, nullable=False),  # bar open; entry at its close
        pa.field("interval", pa.string(), nullable=False),
        pa.field("horizon_min", pa.int32(), nullable=False),
        pa.field("known_time", TS, nullable=False),  # bar close + horizon
        pa.field("fwd_log_return", pa.float64()),  # null until knowable
        pa.field("direction", pa.int8()),  # -1, 0 (dead zone), +1
        pa.field("triple_barrier", pa.int8()),  # -1, 0, +1
    ]
)

TRAINING_SET = pa.schema(
    [
        *FEATURES,
        *(
            field
            for h in LABEL_HORIZONS_MIN
            for field in (
                pa.field(f"fwd_log_return_{h}m", pa.float64()),
                pa.field(f"direction_{h}m", pa.int8()),
                pa.field(f"triple_barrier_{h}m", pa.int8()),
                pa.field(f"known_time_{h}m", TS),
            )
        ),
        pa.field("fold", pa.int16(), nullable=False),  # walk-forward test window, -1: the first block
    ]
)

PREDICTIONS = pa.schema(
    [
        pa.field("coin", pa.string(), nullable=False),
        pa.field("time", TS, nullable=False),  # bar open; the prediction is made at its close
        pa.field("horizon_min", pa.int32(), nullable=False),
        pa.field("model_name", pa.string(), nullable=False),  # registered model, e.g. hl_BTC_15m
        pa.field("model_version", pa.string(), nullable=False),  # the champion's version when scored
        pa.field("pred_class", pa.int8()),  # -1, 0, +1; null where the features were missing
        pa.field("score", pa.float64()),  # expected direction in [-1, 1]
        pa.field("prob_down", pa.float64()),
        pa.field("prob_flat", pa.float64()),
        pa.field("prob_up", pa.float64()),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "candles": CANDLES,
    "funding": FUNDING,
    "universe": UNIVERSE,
    "trades": TRADES,
    "book_snapshots": BOOK_SNAPSHOTS,
    # ml datasets (features, labels, training_set) are registered below this line
    "features": FEATURES,
    "labels": LABELS,
    "training_set": TRAINING_SET,
    "predictions": PREDICTIONS,
}
"""Datasets the lake holds. COLLECTOR_GAPS is the collector's landing schema for gap records."""
UNPARTITIONED_BY_COIN = frozenset({"universe", "training_set"})

"""Pipeline settings from the environment, parsed strictly: a bad value raises naming it."""

from __future__ import annotations

import datetime as dt
import os
import re

from hl_pipeline.exchange.intervals import INTERVALS

DEFAULT_COINS = "BTC,ETH,SOL,BNB,ARB"
DEFAULT_NATIVE_INTERVALS = "1m,5m,15m,1h,4h,1d"
DEFAULT_RESAMPLED_INTERVALS = "5m,15m,1h,4h,1d"
DEFAULT_START_DATE = "2024-01-01"
DEFAULT_API_URL = "http://127.0.0.1:8787"  # `hl-pipeline simulator serve` listens here by default
DEFAULT_LANDING_ROOT = "data/landing"

_COIN = re.compile(r"^[A-Za-z0-9]{1,20}(:[A-Za-z0-9]{1,20})?$")


def env(name: str, default: str) -> str:
    """`name` from the environment, or `default` when unset or blank."""
    return os.environ.get(name, "").strip() or default


def _items(text: str, what: str) -> list[str]:
    items = [x.strip() for x in text.split(",")]
    if not text.strip() or any(not x for x in items):
        raise ValueError(
            f"malformed {what} list {text!r}: expected comma-separated names, e.g. {DEFAULT_COINS!r}"
        )
    if len(set(items)) != len(items):
        raise ValueError(f"{what} list {text!r} names an item twice")
    return items


def parse_coins(text: str) -> list[str]:
    coins = _items(text, "coin")
    for coin in coins:
        if not _COIN.match(coin):
            raise ValueError(f"malformed coin {coin!r} in {text!r}: coins look like BTC, kPEPE or dex:COIN")
    return coins


def parse_intervals(text: str) -> list[str]:
    intervals = _items(text, "interval")
    for interval in intervals:
        if interval not in INTERVALS:
            raise ValueError(
                f"unknown interval {interval!r} in {text!r}; Hyperliquid serves {', '.join(INTERVALS)}"
            )
    return intervals


def parse_date(text: str, what: str = "date") -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ValueError(f"malformed {what} {text!r}: expected YYYY-MM-DD") from None


def parse_as_of(text: str) -> int | None:
    """An ISO timestamp (UTC if no zone) as epoch ms; blank means the wall clock (None)."""
    if not text.strip():
        return None
    try:
        t = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"malformed as_of {text!r}: expected an ISO timestamp like 2024-03-01T12:30:00Z"
        ) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp() * 1000)


def now_ms(as_of: str = "") -> int:
    """The pipeline's clock: `as_of` when set (reproducible runs), else the wall clock."""
    frozen = parse_as_of(as_of)
    return frozen if frozen is not None else int(dt.datetime.now(dt.UTC).timestamp() * 1000)


def api_config() -> dict:
    """How to reach the info API: `HL_API_URL` ("mainnet", "testnet" or a URL), `HL_RATE_LIMIT`
    (0 turns the client's limiter off), `HL_RETAINED_CANDLES` (0: the source keeps all candles)."""
    retained = env("HL_RETAINED_CANDLES", "5000")
    if not retained.isdigit():
        raise ValueError(
            f"malformed HL_RETAINED_CANDLES {retained!r}: expected a whole number (0 lifts the cap)"
        )
    return {
        "api_url": env("HL_API_URL", DEFAULT_API_URL),
        "rate_limit": env("HL_RATE_LIMIT", "1") != "0",
        "retained_candles": int(retained),
    }


def order_flow_config() -> dict:
    """Where trades and books come from: `HL_LANDING_ROOT` (the collector's landing zone),
    `HL_BOOK_ARCHIVE` and `HL_FILLS_ARCHIVE` (a folder laid out like the bucket, "s3" for the real
    requester-pays bucket, or "none"), `HL_HEARTBEAT_MAX_AGE` (seconds before the collector counts as stale)."""
    max_age = env("HL_HEARTBEAT_MAX_AGE", "120")
    try:
        seconds = float(max_age)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ValueError(
            f"malformed HL_HEARTBEAT_MAX_AGE {max_age!r}: expected a positive number of seconds, e.g. 120"
        )
    return {
        "landing_root": env("HL_LANDING_ROOT", DEFAULT_LANDING_ROOT),
        "book_archive": env("HL_BOOK_ARCHIVE", "data/archive/hyperliquid-archive"),
        "fills_archive": env("HL_FILLS_ARCHIVE", "data/archive/hl-mainnet-node-data"),
        "heartbeat_max_age": seconds,
    }


def _whole(name: str, default: str, least: int) -> int:
    text = env(name, default)
    if not text.isdigit() or int(text) < least:
        raise ValueError(f"malformed {name} {text!r}: expected a whole number of at least {least}")
    return int(text)


def ml_config() -> dict:
    """Features and labels: `HL_FEATURE_BAR` (1m, 5m or 15m), `HL_LABEL_HORIZONS` (minutes, e.g.
    "5,15,60"), `HL_TRAINING_DAYS` (days in a training set), `HL_FOLDS` (walk-forward folds)."""
    from hl_pipeline.ml.features.registry import BARS

    bar = env("HL_FEATURE_BAR", "1m")
    if bar not in BARS:
        raise ValueError(f"malformed HL_FEATURE_BAR {bar!r}: features are computed on {', '.join(BARS)}")
    horizons = env("HL_LABEL_HORIZONS", "5,15,60")
    if not all(h.strip().isdigit() and int(h) > 0 for h in horizons.split(",")):
        raise ValueError(f"malformed HL_LABEL_HORIZONS {horizons!r}: expected minutes, e.g. 5,15,60")
    return {
        "bar": bar,
        "horizons": horizons,
        "training_days": _whole("HL_TRAINING_DAYS", "14", 1),
        "n_folds": _whole("HL_FOLDS", "5", 2),
    }


def _number(name: str, default: str, lo: float, hi: float) -> float:
    text = env(name, default)
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not lo <= value <= hi:
        raise ValueError(f"malformed {name} {text!r}: expected a number from {lo:g} to {hi:g}")
    return value


def model_targets(coins: str, horizons: str) -> list[str]:
    """`HL_MODEL_TARGETS` ("BTC_15m,ETH_5m"), or every coin x label horizon; each checked against both."""
    all_targets = [f"{c}_{h.strip()}m" for c in parse_coins(coins) for h in horizons.split(",")]
    text = env("HL_MODEL_TARGETS", ",".join(all_targets))
    targets = _items(text, "model target")
    unknown = [t for t in targets if t not in all_targets]
    if unknown:
        raise ValueError(
            f"unknown model target(s) {unknown} in HL_MODEL_TARGETS; coins x horizons give {all_targets}"
        )
    return targets


def models_config() -> dict:
    """Training, gate and backtest: `HL_MLFLOW_ROOT` (the folder holding mlruns/), `HL_GATE_FLOOR`,
    `HL_GATE_ALPHA`, `HL_FEE_BPS`, `HL_SLIPPAGE_BPS`, `HL_XGB_TREES`, `HL_XGB_DEPTH`, `HL_XGB_LEARNING_RATE`."""
    return {
        "mlflow_root": env("HL_MLFLOW_ROOT", "."),
        "gate_floor": _number("HL_GATE_FLOOR", "0.55", 0, 1),
        "gate_alpha": _number("HL_GATE_ALPHA", "0.05", 1e-6, 0.5),
        "fee_bps": _number("HL_FEE_BPS", "4.5", 0, 1000),
        "slippage_bps": _number("HL_SLIPPAGE_BPS", "1.0", 0, 1000),
        "xgb_trees": _whole("HL_XGB_TREES", "120", 1),
        "xgb_depth": _whole("HL_XGB_DEPTH", "4", 1),
        "xgb_learning_rate": _number("HL_XGB_LEARNING_RATE", "0.08", 1e-4, 1),
    }

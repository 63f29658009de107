"""The pipeline's settings: one immutable object parsed once from the environment.

`Settings.from_env()` reads every `HL_*` variable in one pass and rejects a bad value with a
`ConfigError` naming the variable and the value; partitions, mappings, model targets, resources
and schedules are all built from the object it returns (see docs/operations.md for the list).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Mapping
from typing import Any

from hl_pipeline.errors import ConfigError
from hl_pipeline.exchange.intervals import INTERVALS
from hl_pipeline.lake.coin_keys import is_spot_name
from hl_pipeline.ml.features.catalog import BARS
from hl_pipeline.venues.clients import LOCAL_API
from hl_pipeline.venues.names import SIMULATED, check_venues

DEFAULT_API_URL = "http://127.0.0.1:8787"  # `hl-pipeline simulator serve` listens here by default
DEFAULT_COINS = ("BTC", "ETH", "SOL", "BNB", "ARB")
EXECUTORS = ("in_process", "celery")  # HL_EXECUTOR

_COIN = re.compile(r"^[A-Za-z0-9]{1,20}(:[A-Za-z0-9]{1,20})?$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def _items(text: str, name: str) -> list[str]:
    items = [x.strip() for x in text.split(",")]
    if not text.strip() or any(not x for x in items):
        raise ConfigError(f"malformed {name} {text!r}: expected comma-separated names, e.g. 'BTC,ETH'")
    if len(set(items)) != len(items):
        raise ConfigError(f"{name} {text!r} names an item twice")
    return items


def parse_coins(text: str, name: str = "coin list") -> tuple[str, ...]:
    """`"BTC,ETH"` -> ("BTC", "ETH"); each coin looks like BTC, kPEPE or dex:COIN."""
    coins = _items(text, name)
    for coin in coins:
        if not _COIN.match(coin):
            spot = "; spot pairs go in HL_SPOT_COINS" if is_spot_name(coin) else ""
            raise ConfigError(
                f"malformed coin {coin!r} in {name} {text!r}: coins look like BTC, kPEPE or dex:COIN{spot}"
            )
    return tuple(coins)


def parse_spot_coins(text: str, name: str = "spot coin list") -> tuple[str, ...]:
    """`"PURR/USDC,@107"` -> ("PURR/USDC", "@107"): spot pairs as the exchange names them; blank or
    "none" means none."""
    if not text.strip() or text.strip().lower() == "none":
        return ()
    pairs = _items(text, name)
    for pair in pairs:
        if not is_spot_name(pair):
            raise ConfigError(
                f"malformed spot coin {pair!r} in {name} {text!r}: spot pairs look like PURR/USDC or @107"
                " (spotMeta's universe names)"
            )
    return tuple(pairs)


def parse_market_coins(text: str, name: str = "coin list") -> tuple[str, ...]:
    """Perps and spot pairs in one list, e.g. `"BTC,PURR/USDC,@107"` (the collector's `--coins`)."""
    items = _items(text, name)
    perps = [c for c in items if not is_spot_name(c)]
    if perps:
        parse_coins(",".join(perps), name)  # spot pairs are well formed by is_spot_name
    return tuple(items)


def parse_wallets(text: str, name: str = "wallet list") -> tuple[str, ...]:
    """`"0xabc...,0xdef..."` -> lowercase addresses; blank means none."""
    if not text.strip():
        return ()
    wallets = _items(text, name)
    for wallet in wallets:
        if not _ADDRESS.fullmatch(wallet):
            raise ConfigError(f"malformed wallet {wallet!r} in {name}: expected 0x and 40 hex digits")
    return tuple(w.lower() for w in wallets)


def parse_intervals(text: str, name: str = "interval list") -> tuple[str, ...]:
    intervals = _items(text, name)
    for interval in intervals:
        if interval not in INTERVALS:
            raise ConfigError(
                f"unknown interval {interval!r} in {name} {text!r}; Hyperliquid serves {', '.join(INTERVALS)}"
            )
    return tuple(intervals)


def check_resampling(native: tuple[str, ...], resampled: tuple[str, ...], name: str) -> None:
    """The resampled intervals are built from 1m candles: `native` (named `name`) must fetch them."""
    if resampled and "1m" not in native:
        raise ConfigError(
            f"{name} {','.join(native)!r} lacks 1m, which the resampled intervals "
            f"{','.join(resampled)} (HL_RESAMPLED_INTERVALS) are built from: add 1m"
        )


def parse_date(text: str, name: str = "date") -> str:
    try:
        if not _DATE.fullmatch(text.strip()):  # fromisoformat also takes 20261120
            raise ValueError(text)
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ConfigError(f"malformed {name} {text!r}: expected YYYY-MM-DD") from None


def parse_as_of(text: str, name: str = "as_of") -> int | None:
    """An ISO timestamp (UTC if no zone) as epoch ms; blank means the wall clock (None)."""
    if not text.strip():
        return None
    try:
        t = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"malformed {name} {text!r}: expected an ISO timestamp like 2024-03-01T12:30:00Z"
        ) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    if t > dt.datetime.now(dt.UTC):
        raise ConfigError(
            f"{name} {text!r} lies in the future: the pipeline cannot ingest days not yet begun"
        )
    return int(t.timestamp() * 1000)


def parse_venues(text: str, api_url: str, name: str = "HL_VENUES") -> tuple[str, ...]:
    """ccxt exchange ids, e.g. "binanceusdm,bybit"; "none" for no venue; unset: the simulated venues
    when the API is a simulator's URL, none against mainnet or testnet."""
    if not text:
        return () if api_url in ("mainnet", "testnet") else SIMULATED
    if text.lower() == "none":
        return ()
    venues = check_venues(tuple(_items(text, name)), name)
    unserved = [v for v in venues if v not in LOCAL_API]
    if unserved and api_url not in ("mainnet", "testnet"):
        raise ConfigError(
            f"venue {unserved[0]!r} in {name} is not served by the simulator at HL_API_URL {api_url!r};"
            f" it serves {', '.join(sorted(LOCAL_API))}"
        )
    return venues


def clock_ms(as_of_ms: int | None) -> int:
    """The pipeline's clock: `as_of_ms` when frozen (reproducible runs), else the wall clock."""
    return as_of_ms if as_of_ms is not None else int(dt.datetime.now(dt.UTC).timestamp() * 1000)


def _whole(name: str, text: str, least: int) -> int:
    if not text.isdigit() or int(text) < least:
        raise ConfigError(f"malformed {name} {text!r}: expected a whole number of at least {least}")
    return int(text)


def _number(name: str, text: str, lo: float, hi: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not lo <= value <= hi:
        raise ConfigError(f"malformed {name} {text!r}: expected a number from {lo:g} to {hi:g}")
    return value


def _positive(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"malformed {name} {text!r}: expected a positive number of seconds, e.g. 120")
    return value


def _horizons(name: str, text: str) -> tuple[int, ...]:
    parts = [h.strip() for h in text.split(",")]
    if not all(h.isdigit() and int(h) > 0 for h in parts) or len(set(parts)) != len(parts):
        raise ConfigError(f"malformed {name} {text!r}: expected distinct minutes, e.g. 5,15,60")
    return tuple(int(h) for h in parts)


def _choice(name: str, text: str, allowed: tuple[str, ...]) -> str:
    if text not in allowed:
        raise ConfigError(f"malformed {name} {text!r}: expected one of {', '.join(allowed)}")
    return text


def all_targets(coins: tuple[str, ...], horizons: tuple[int, ...]) -> tuple[str, ...]:
    """Every model target (coin x label horizon), e.g. ("BTC_5m", "BTC_15m", ...)."""
    return tuple(f"{c}_{h}m" for c in coins for h in horizons)


_STORE_SCHEMES = ("sqlite", "postgresql+psycopg2", "mysql+pymysql", "http", "https")


def parse_mlflow_uri(text: str, name: str = "HL_MLFLOW_URI") -> str | None:
    """A tracking store URI (database or server), or None (blank: the embedded sqlite store). The
    password of a database URI is never echoed in an error."""
    text = text.strip()
    if not text:
        return None
    scheme = text.split("://", 1)[0] if "://" in text else ""
    shown = re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", text)
    if scheme == "postgresql":
        raise ConfigError(
            f"bad {name} {shown!r}: write postgresql+psycopg2:// (a bare postgresql:// means psycopg 3 "
            "under SQLAlchemy 2.1, which is not installed)"
        )
    if scheme not in _STORE_SCHEMES:
        schemes = ", ".join(f"{s}://" for s in _STORE_SCHEMES)
        raise ConfigError(
            f"bad {name} {shown!r}: expected a tracking store, one of {schemes}"
            " (e.g. postgresql+psycopg2://user:password@host:5432/mlflow)"
        )
    return text


_S3_PREFIX = r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S*)?"  # a bucket name as S3 allows it, a prefix


def parse_lake_root(text: str, name: str = "HL_LAKE_ROOT") -> str:
    """The lake's root: a folder, or s3://bucket[/prefix] on any S3-compatible endpoint (AWS_ENDPOINT_URL)."""
    text = text.strip()
    if "://" not in text:
        if not text:
            raise ConfigError(f"bad {name} {text!r}: expected a folder or s3://bucket[/prefix]")
        return text
    if not re.fullmatch(_S3_PREFIX, text.rstrip("/")):
        raise ConfigError(f"bad {name} {text!r}: expected a folder or s3://bucket[/prefix]")
    return text.rstrip("/")


def parse_artifact_root(text: str, name: str = "HL_MLFLOW_ARTIFACTS") -> str | None:
    """Where experiments keep their artifacts (s3://bucket[/prefix], or an absolute folder), or None."""
    text = text.strip().rstrip("/")
    if not text:
        return None
    if not (re.fullmatch(_S3_PREFIX, text) or text.startswith("/")):
        raise ConfigError(f"bad {name} {text!r}: expected s3://bucket[/prefix] or an absolute folder")
    return text


def parse_targets(name: str, text: str, coins: tuple[str, ...], horizons: tuple[int, ...]) -> tuple[str, ...]:
    """Model targets named in `text` (blank: every coin x horizon), each one of coins x horizons."""
    every = all_targets(coins, horizons)
    if not text:
        return every
    targets = _items(text, name)
    unknown = [t for t in targets if t not in every]
    if unknown:
        raise ConfigError(
            f"unknown model target(s) {unknown} in {name} {text!r}; coins x horizons give {list(every)}"
        )
    return tuple(targets)


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, typed. Defaults are the embedded profile: the simulator, a local lake."""

    # the exchange: "mainnet", "testnet" or any URL serving POST /info
    api_url: str = DEFAULT_API_URL
    rate_limit: bool = True  # the client's per-process weight limiter
    retained_candles: int = 5000  # candles the source keeps per interval (0: all)
    # what to ingest
    coins: tuple[str, ...] = DEFAULT_COINS
    spot_coins: tuple[str, ...] = ()  # spot pairs beside the perps, e.g. PURR/USDC, @107
    venues: tuple[str, ...] = SIMULATED  # other exchanges through ccxt (ccxt ids)
    native_intervals: tuple[str, ...] = ("1m", "5m", "15m", "1h", "4h", "1d")
    resampled_intervals: tuple[str, ...] = ("5m", "15m", "1h", "4h", "1d")
    start_date: str = "2024-01-01"  # the first daily partition
    as_of_ms: int | None = None  # a frozen clock; None is the wall clock
    # where things live
    lake_root: str = "data/lake"  # a folder, or s3://bucket[/prefix] (endpoint, keys: AWS_* environment)
    warehouse: str = "data/warehouse.duckdb"
    landing_root: str = "data/landing"
    book_archive: str = "data/archive/hyperliquid-archive"  # a folder, "s3" or "none"
    fills_archive: str = "data/archive/hl-mainnet-node-data"
    heartbeat_max_age: float = 120.0  # seconds without a collector message before it counts as stale
    mlflow_root: str = "."  # the folder holding mlruns/ (the embedded store)
    mlflow_uri: str | None = None  # a tracking store instead (PostgreSQL, a server); None: the embedded one
    mlflow_artifacts: str | None = None  # where that store's experiments keep artifacts (s3://bucket)
    # wallets: those configured plus the day's most active, at most `wallet_cap` in all
    wallets: tuple[str, ...] = ()
    wallet_cap: int = 20
    # features, labels, training sets
    feature_bar: str = "1m"
    label_horizons: tuple[int, ...] = (5, 15, 60)
    training_days: int = 14
    n_folds: int = 5
    model_targets: tuple[str, ...] = all_targets(DEFAULT_COINS, (5, 15, 60))
    # models: hyperparameters, gate, costs
    xgb_trees: int = 120
    xgb_depth: int = 4
    xgb_learning_rate: float = 0.08
    gate_floor: float = 0.55
    gate_alpha: float = 0.05
    gate_correction: str = "holm"
    # the served strategy: position rule and costs
    min_edge: float = 0.1
    latency_bars: int = 1
    taker_fee_bps: float = 4.5
    capital_usd: float = 10_000.0
    # alerts: a secret, so only ever from the environment
    alert_webhook_url: str = ""
    # where a run's steps execute: in the run's process, or as Celery tasks on the workers
    # (the production profile, deploy/production/; broker and backend from DAGSTER_CELERY_*_URL)
    executor: str = "in_process"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Parse every `HL_*` variable of `environ` (default `os.environ`); unset or blank means the
        default."""
        source = os.environ if environ is None else environ
        d = cls()

        def get(name: str, default: Any) -> str:
            text = source.get(name, "").strip()
            if text:
                return text
            if isinstance(default, tuple):
                listed = ",".join(str(x) for x in default)
                if name in source:  # a list set to nothing is a mistake, not a request for the default
                    raise ConfigError(f"{name} is set but blank: name its items, or unset it for {listed}")
                return listed
            return str(default)

        coins = parse_coins(get("HL_COINS", d.coins), "HL_COINS")
        horizons = _horizons("HL_LABEL_HORIZONS", get("HL_LABEL_HORIZONS", d.label_horizons))
        native = parse_intervals(get("HL_NATIVE_INTERVALS", d.native_intervals), "HL_NATIVE_INTERVALS")
        resampled = parse_intervals(
            get("HL_RESAMPLED_INTERVALS", d.resampled_intervals), "HL_RESAMPLED_INTERVALS"
        )
        check_resampling(native, resampled, "HL_NATIVE_INTERVALS")
        api_url = get("HL_API_URL", d.api_url)
        if "HL_VENUES" in source and not source["HL_VENUES"].strip():
            raise ConfigError(
                "HL_VENUES is set but blank: name the venues, 'none', or unset it for the default"
            )
        return cls(
            api_url=api_url,
            rate_limit=_choice("HL_RATE_LIMIT", get("HL_RATE_LIMIT", "1"), ("0", "1")) == "1",
            retained_candles=_whole("HL_RETAINED_CANDLES", get("HL_RETAINED_CANDLES", d.retained_candles), 0),
            coins=coins,
            spot_coins=parse_spot_coins(source.get("HL_SPOT_COINS", ""), "HL_SPOT_COINS"),
            venues=parse_venues(source.get("HL_VENUES", "").strip(), api_url),
            native_intervals=native,
            resampled_intervals=resampled,
            start_date=parse_date(get("HL_START_DATE", d.start_date), "HL_START_DATE"),
            as_of_ms=parse_as_of(source.get("HL_AS_OF", ""), "HL_AS_OF"),
            lake_root=parse_lake_root(get("HL_LAKE_ROOT", d.lake_root)),
            warehouse=get("HL_WAREHOUSE", d.warehouse),
            landing_root=get("HL_LANDING_ROOT", d.landing_root),
            book_archive=get("HL_BOOK_ARCHIVE", d.book_archive),
            fills_archive=get("HL_FILLS_ARCHIVE", d.fills_archive),
            heartbeat_max_age=_positive(
                "HL_HEARTBEAT_MAX_AGE", get("HL_HEARTBEAT_MAX_AGE", d.heartbeat_max_age)
            ),
            mlflow_root=get("HL_MLFLOW_ROOT", d.mlflow_root),
            mlflow_uri=parse_mlflow_uri(source.get("HL_MLFLOW_URI", "")),
            mlflow_artifacts=parse_artifact_root(source.get("HL_MLFLOW_ARTIFACTS", "")),
            wallets=parse_wallets(source.get("HL_WALLETS", ""), "HL_WALLETS"),
            wallet_cap=_whole("HL_WALLET_CAP", get("HL_WALLET_CAP", d.wallet_cap), 1),
            feature_bar=_choice("HL_FEATURE_BAR", get("HL_FEATURE_BAR", d.feature_bar), BARS),
            label_horizons=horizons,
            training_days=_whole("HL_TRAINING_DAYS", get("HL_TRAINING_DAYS", d.training_days), 1),
            n_folds=_whole("HL_FOLDS", get("HL_FOLDS", d.n_folds), 2),
            model_targets=parse_targets(
                "HL_MODEL_TARGETS", source.get("HL_MODEL_TARGETS", "").strip(), coins, horizons
            ),
            xgb_trees=_whole("HL_XGB_TREES", get("HL_XGB_TREES", d.xgb_trees), 1),
            xgb_depth=_whole("HL_XGB_DEPTH", get("HL_XGB_DEPTH", d.xgb_depth), 1),
            xgb_learning_rate=_number(
                "HL_XGB_LEARNING_RATE", get("HL_XGB_LEARNING_RATE", d.xgb_learning_rate), 1e-4, 1
            ),
            gate_floor=_number("HL_GATE_FLOOR", get("HL_GATE_FLOOR", d.gate_floor), 0, 1),
            gate_alpha=_number("HL_GATE_ALPHA", get("HL_GATE_ALPHA", d.gate_alpha), 1e-6, 0.5),
            gate_correction=_choice(
                "HL_GATE_CORRECTION", get("HL_GATE_CORRECTION", d.gate_correction), ("holm", "bh")
            ),
            min_edge=_number("HL_MIN_EDGE", get("HL_MIN_EDGE", d.min_edge), 0, 1),
            latency_bars=_whole("HL_LATENCY_BARS", get("HL_LATENCY_BARS", d.latency_bars), 0),
            taker_fee_bps=_number("HL_TAKER_FEE_BPS", get("HL_TAKER_FEE_BPS", d.taker_fee_bps), 0, 1000),
            capital_usd=_number("HL_CAPITAL_USD", get("HL_CAPITAL_USD", d.capital_usd), 1, 1e12),
            alert_webhook_url=source.get("HL_ALERT_WEBHOOK_URL", "").strip(),
            executor=_choice("HL_EXECUTOR", get("HL_EXECUTOR", d.executor), EXECUTORS),
        )

    def now_ms(self) -> int:
        return clock_ms(self.as_of_ms)

    def today(self) -> str:
        """The UTC date of the pipeline's clock."""
        return dt.datetime.fromtimestamp(self.now_ms() / 1000, tz=dt.UTC).date().isoformat()

    def with_coins(self, coins: tuple[str, ...]) -> Settings:
        """These settings for other coins; model targets keep those of the remaining coins."""
        kept = tuple(t for t in self.model_targets if t.rsplit("_", 1)[0] in coins)
        return dataclasses.replace(
            self, coins=coins, model_targets=kept or all_targets(coins, self.label_horizons)
        )

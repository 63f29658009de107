"""The lookahead test machinery, shared by the invariant tests and the mutation tests.

Late, sparse synthetic inputs (`late_inputs`); the test's own rule for when each row became
known (`known_ms`), read from the row itself and deliberately not from
``hl_pipeline.ml.pointintime``; the cut times (`cut_times`); and three checks, plain functions
that raise `LookaheadDetected` (an AssertionError) naming what leaked:

- `check_features_at_cuts`: truncate every input at each cut, recompute, and every feature and
  flag at every bar that closed by the cut must equal its value on the full inputs;
- `check_labels`: labels equal an independent reference that reads only the bars after the
  bar's close within the horizon (missing when one of them is), and labels computed from the
  candles known at a cut equal the full ones when known by then and are missing otherwise;
- `check_purge`: no training row's label window [t, t + bar + horizon] reaches into its fold's
  test window (nor its embargo, when one is set).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS
from hl_pipeline.ml.features.catalog import FEATURES, FLAGS, bar_ms
from hl_pipeline.ml.features.compute import compute_features
from hl_pipeline.ml.labels import LabelSpec, compute_labels
from hl_pipeline.ml.training_set import SplitSpec, build_training_set, training_folds
from hl_pipeline_tests.ml import synthetic

START = 1_709_251_200_000  # 2024-03-01 00:00 UTC: day 0 is history only
EVAL_START = START + DAY_MS  # days 1 and 2 are checked, whole
EVAL_END = START + 3 * DAY_MS
FULL_END = EVAL_END + HOUR_MS  # features on the full inputs are computed up to here
DATA_END = EVAL_END + 2 * HOUR_MS  # rows exist past the last cut, so every cut drops some
FEED_START = EVAL_START - 2 * HOUR_MS  # books and trades: features read at most 75 minutes back
SECOND_MS = 1_000
COINS = ("BTC", "ETH")
PRICES = {"BTC": 60_000.0, "ETH": 3_000.0}
DATASETS = (
    "candles",
    "book_snapshots",
    "trades",
    "funding",
    "asset_contexts",
    "venue_candles",
    "venue_funding",
    "venue_open_interest",
    "wallet_fills",
    "wallet_profiles",
)
CHECKED = [f.name for f in FEATURES] + list(FLAGS)


class LookaheadDetected(AssertionError):
    """A value at a bar (or a training row) depends on data known only later."""


# --- time --------------------------------------------------------------------------------------


def as_ms(column: pd.Series) -> np.ndarray:
    """A UTC timestamp column as int64 ms (the test's own conversion)."""
    if not isinstance(column.dtype, pd.DatetimeTZDtype):
        raise TypeError(f"expected a tz-aware timestamp column, got {column.dtype}")
    return column.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ms]").astype(np.int64)


def _ts(values: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=np.int64).astype("datetime64[ms]")).dt.tz_localize("UTC")


def known_ms(frame: pd.DataFrame, dataset: str) -> np.ndarray:
    """When each row of a lake `dataset` frame became known, from the row itself.

    A candle is known once its bar has closed: at ``close_time + 1`` (close_time is the bar's last
    millisecond). A book snapshot or a trade is known at its ``receive_time``: late data stays
    unknown until it arrives, whatever its exchange time. Funding and asset contexts carry no
    receive time (for asset contexts ``time`` is when the snapshot was received; for funding it is
    when the rate was fixed), so a row stamped τ is known from τ + 1 ms; so are the venues' funding
    and open interest. A venue's 1m candle is known a minute after it opens. A wallet fill carries no
    receive time either (it is public with its block): known from τ + 1 ms; a wallet profile is
    known from the end of the window it read (its ``time``) + 1 ms.
    """
    if dataset == "candles":
        return as_ms(frame["close_time"]) + 1
    if dataset in ("book_snapshots", "trades"):
        received, stamped = as_ms(frame["receive_time"]), as_ms(frame["time"])
        if (received <= stamped).any():  # the rule would then need the exchange time too
            raise ValueError(f"{dataset}: a row is received at or before its exchange time")
        return received
    if dataset in ("funding", "asset_contexts", "venue_funding", "venue_open_interest", "wallet_fills"):
        return as_ms(frame["time"]) + 1
    if dataset == "wallet_profiles":
        return as_ms(frame["time"]) + 1
    if dataset == "venue_candles":  # a venue's 1m bar (no close_time column) is known at its close
        return as_ms(frame["time"]) + MINUTE_MS
    raise ValueError(f"no known-time rule for dataset {dataset!r}")


class Truncator:
    """Every input as it stood at a cut time: the rows known by then, in their original order."""

    def __init__(self, inputs: Mapping[str, pd.DataFrame]):
        self.inputs = dict(inputs)
        self.known = {name: known_ms(frame, name) for name, frame in self.inputs.items()}

    def __call__(self, cut_ms: int) -> dict[str, pd.DataFrame]:
        return {name: frame[self.known[name] <= cut_ms] for name, frame in self.inputs.items()}


# --- synthetic late, sparse inputs ---------------------------------------------------------------


def _mixture(rng: np.random.Generator, n: int, parts: Sequence[tuple[float, int, int]]) -> np.ndarray:
    """n delays (int ms): each drawn log-uniformly from [lo, hi] of a part chosen with its weight."""
    weights = np.array([p for p, _, _ in parts], float)
    which = rng.choice(len(parts), n, p=weights / weights.sum())
    lo = np.log(np.array([lo for _, lo, _ in parts], float))[which]
    hi = np.log(np.array([hi for _, _, hi in parts], float))[which]
    return np.exp(lo + rng.random(n) * (hi - lo)).astype(np.int64)


def _silent(
    rng: np.random.Generator, t: np.ndarray, per_day: int, lo_min: int, hi_min: int
) -> tuple[np.ndarray, np.ndarray]:
    """Drop `per_day` random spans of lo_min..hi_min minutes a day from the sorted times `t`;
    returns the times kept and where the spans end."""
    keep = np.ones(len(t), bool)
    ends = []
    for begin in rng.integers(t[0], t[-1], round(per_day * (t[-1] - t[0]) / DAY_MS)):
        ends.append(int(begin) + int(rng.integers(lo_min, hi_min + 1)) * MINUTE_MS)
        keep &= (t < begin) | (t >= ends[-1])
    return t[keep], np.sort(np.array(ends, dtype=np.int64))


def _received(rng: np.random.Generator, t: np.ndarray, lags, resumed: np.ndarray) -> np.ndarray:
    """Receive times: `t` plus a delay drawn from `lags`; after every other silence (ending at
    `resumed`) the feed comes back late, its first two minutes received in a burst 5-90 s after."""
    received = t + _mixture(rng, len(t), lags)
    for end in resumed[::2]:
        burst = (t >= end) & (t < end + 2 * MINUTE_MS)
        received[burst] = np.maximum(received[burst], end + 2 * MINUTE_MS + int(rng.integers(5_000, 90_000)))
    return received


BOOK_LAGS = ((0.62, 1, 300), (0.18, 300, 10_000), (0.13, 10_000, 150_000), (0.07, 150_000, 1_800_000))
TRADE_LAGS = ((0.7, 1, 500), (0.15, 500, 15_000), (0.11, 15_000, 180_000), (0.04, 180_000, 1_200_000))
FUNDING_DELAYS = ((0.7, 1, 5_000), (0.2, 5_000, 180_000), (0.1, 180_000, 2_400_000))


def _closes(rng: np.random.Generator, minutes: int) -> dict[str, np.ndarray]:
    market = rng.normal(0, 6e-4, minutes)
    return {
        coin: PRICES[coin] * np.exp(np.cumsum(beta * market + rng.normal(0, 4e-4, minutes)))
        for coin, beta in zip(COINS, (1.0, 1.3))
    }


def _candles(rng: np.random.Generator, closes: dict[str, np.ndarray]) -> pd.DataFrame:
    parts = []
    for coin, close in closes.items():
        n = len(close)
        t = START + np.arange(n, dtype=np.int64) * MINUTE_MS
        open_ = np.r_[close[0], close[:-1]]
        wiggle = np.abs(rng.normal(0, 5e-4, (2, n))) * close
        keep = rng.random(n) > 0.002  # a lost minute here and there
        spans = [(int(b), int(rng.integers(2, 40))) for b in rng.integers(0, n, 12)]
        straddle = (EVAL_START - START) // MINUTE_MS + (13 if coin == "BTC" else 30) * 60 - 3
        spans.append((straddle, 7))  # across an hour's close
        for first, length in spans:
            keep[first : first + length] = False
        parts.append(
            pd.DataFrame(
                {
                    "coin": coin,
                    "interval": "1m",
                    "source": "api",
                    "time": t,
                    "close_time": t + MINUTE_MS - 1,
                    "open": open_,
                    "high": np.maximum(open_, close) + wiggle[0],
                    "low": np.minimum(open_, close) - wiggle[1],
                    "close": close,
                    "volume": rng.lognormal(2, 1, n),
                    "trades": rng.poisson(25, n).astype(np.int64),
                }
            )[keep]
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["ingest_time"] = DATA_END + HOUR_MS
    for c in ("time", "close_time", "ingest_time"):
        frame[c] = _ts(frame[c].to_numpy())
    return frame


def _price(close: np.ndarray, t: np.ndarray) -> np.ndarray:
    return close[np.clip((t - START) // MINUTE_MS, 0, len(close) - 1)]


def _books(rng: np.random.Generator, closes: dict[str, np.ndarray], levels: int = 5) -> pd.DataFrame:
    """Snapshots at irregular times (mean 30 s apart) with silent spans of 2-20 minutes; each is
    received whole at one time, up to 30 minutes late (see `_received`); 1 in 25 is received a
    second time 0.5-30 s later (as a REST snapshot and then the stream deliver the same book);
    1-5 levels a side, a few one-sided."""
    parts: list[pd.DataFrame] = []
    for coin, close in closes.items():
        first_part = len(parts)
        gaps = rng.exponential(30 * SECOND_MS, int((DATA_END - FEED_START) / (10 * SECOND_MS)))
        t = FEED_START + np.cumsum(gaps).astype(np.int64)
        t, resumed = _silent(rng, np.unique(t[t < DATA_END]), 5, 2, 20)
        n = len(t)
        receive = _received(rng, t, BOOK_LAGS, resumed)
        mid = _price(close, t) * (1 + rng.normal(0, 1e-4, n))
        half = mid * rng.uniform(0.3e-4, 3e-4, n)
        depth = {"bid": rng.integers(1, levels + 1, n), "ask": rng.integers(1, levels + 1, n)}
        depth["bid"][rng.random(n) < 0.02] = 0  # one-sided: unusable
        for side, sign in (("bid", -1.0), ("ask", 1.0)):
            gap = np.cumsum(mid[:, None] * 1e-4 * rng.uniform(0.5, 8, (n, levels)), axis=1)
            px = mid[:, None] + sign * (half[:, None] + gap - gap[:, :1])
            sz = rng.lognormal(0, 1.2, (n, levels))
            level = np.broadcast_to(np.arange(levels), (n, levels))
            present = level < depth[side][:, None]
            parts.append(
                pd.DataFrame(
                    {
                        "coin": coin,
                        "time": np.broadcast_to(t[:, None], (n, levels))[present],
                        "side": side,
                        "level": level[present].astype(np.int16),
                        "px": px[present],
                        "sz": sz[present],
                        "n": rng.integers(1, 20, int(present.sum())).astype(np.int32),
                        "receive_time": np.broadcast_to(receive[:, None], (n, levels))[present],
                    }
                )
            )
        again = np.flatnonzero(rng.random(n) < 0.04)
        later = dict(zip(t[again], rng.integers(500, 30_000, len(again))))
        for part in parts[first_part:]:
            twice = part[part["time"].isin(later)]
            parts.append(twice.assign(receive_time=twice["receive_time"] + twice["time"].map(later)))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["coin", "receive_time", "time", "side", "level"], ignore_index=True)
    for c in ("time", "receive_time"):
        frame[c] = _ts(frame[c].to_numpy())
    return frame


def _trades(rng: np.random.Generator, closes: dict[str, np.ndarray], wallets: int = 40) -> pd.DataFrame:
    """Bursty trades (a lognormal rate a minute, silent spans of 3-15 minutes), received up to 20
    minutes late (see `_received`), written in the order they arrived; some of at least 100k USD."""
    population = np.array([f"0x{i:040x}" for i in range(wallets)])
    weights = 1.0 / np.arange(1, wallets + 1) ** 1.1
    weights /= weights.sum()
    parts = []
    for coin, close in closes.items():
        minutes = (DATA_END - FEED_START) // MINUTE_MS
        count = rng.poisson(rng.lognormal(np.log(4.0), 1.0, minutes))
        first = FEED_START + np.repeat(np.arange(minutes, dtype=np.int64), count) * MINUTE_MS
        t, resumed = _silent(rng, np.sort(first + rng.integers(0, MINUTE_MS, len(first))), 8, 3, 15)
        n = len(t)
        px = _price(close, t) * (1 + rng.normal(0, 2e-4, n))
        parts.append(
            pd.DataFrame(
                {
                    "coin": coin,
                    "time": t,
                    "px": px,
                    "sz": rng.lognormal(np.log(2_000.0), 1.7, n) / px,
                    "side": rng.choice(["B", "A"], n),
                    "tid": np.arange(n, dtype=np.int64),
                    "hash": "0x0",
                    "buyer": rng.choice(population, n, p=weights),
                    "seller": rng.choice(population, n, p=weights),
                    "receive_time": _received(rng, t, TRADE_LAGS, resumed),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values(["coin", "receive_time"], ignore_index=True)
    for c in ("time", "receive_time"):
        frame[c] = _ts(frame[c].to_numpy())
    return frame


def _funding(rng: np.random.Generator) -> pd.DataFrame:
    """Hourly funding fixed up to 40 minutes past the hour; hours missing here and there (and
    three in a row for ETH on day 1); some premiums null."""
    hours = np.arange(START, DATA_END, HOUR_MS, dtype=np.int64)
    parts = []
    for coin in COINS:
        keep = rng.random(len(hours)) > 0.08
        if coin == "ETH":
            keep &= (hours < EVAL_START + 9 * HOUR_MS) | (hours >= EVAL_START + 12 * HOUR_MS)
        t = (hours + _mixture(rng, len(hours), FUNDING_DELAYS))[keep]
        n = len(t)
        premium = rng.normal(0, 3e-4, n)
        premium[rng.random(n) < 0.12] = np.nan
        parts.append(
            pd.DataFrame(
                {"coin": coin, "time": t, "funding_rate": rng.normal(1e-5, 2e-5, n), "premium": premium}
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["ingest_time"] = _ts(np.full(len(frame), DATA_END + HOUR_MS))
    frame["time"] = _ts(frame["time"].to_numpy())
    return frame


def _contexts(rng: np.random.Generator, closes: dict[str, np.ndarray]) -> pd.DataFrame:
    """Asset-context snapshots polled irregularly (about every 35 minutes, with silences of 2-6
    hours); ETH's start only on day 1 at 05:00; some open interest null."""
    parts = []
    for coin, close in closes.items():
        gaps = rng.exponential(35 * MINUTE_MS, 400)
        long = rng.random(len(gaps)) < 0.03
        gaps[long] = rng.uniform(2, 6, int(long.sum())) * HOUR_MS
        first = START if coin == "BTC" else EVAL_START + 5 * HOUR_MS
        t = first + int(rng.integers(0, 20 * MINUTE_MS)) + np.cumsum(gaps).astype(np.int64)
        t = t[t < DATA_END]
        n = len(t)
        oi = 1e5 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
        oi[rng.random(n) < 0.1] = np.nan
        mark = _price(close, t)
        parts.append(
            pd.DataFrame(
                {
                    "coin": coin,
                    "time": t,
                    "funding": rng.normal(1e-5, 2e-5, n),
                    "open_interest": oi,
                    "premium": rng.normal(0, 3e-4, n),
                    "oracle_px": mark * (1 + rng.normal(0, 1e-4, n)),
                    "mark_px": mark,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values("time", ignore_index=True)
    frame["ingest_time"] = _ts(np.full(len(frame), DATA_END + HOUR_MS))
    frame["time"] = _ts(frame["time"].to_numpy())
    return frame


def _venues(rng: np.random.Generator, closes: dict[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    """Two venues: 1m closes a minute behind with spans missing (both down for 3 hours on day 1),
    8-hourly funding with settlements missing (ETH's none from day 1's 08:00 to 16:00 included),
    hourly open interest with hours missing."""
    down = (EVAL_START + 14 * HOUR_MS, EVAL_START + 17 * HOUR_MS)
    candles, funding, oi = [], [], []
    for coin, close in closes.items():
        n = len(close)
        t = START + np.arange(n, dtype=np.int64) * MINUTE_MS
        for k, venue in enumerate(("binanceusdm", "okx")):
            keep = (rng.random(n) > 0.03) & ((t < down[0]) | (t >= down[1]))
            px = np.r_[close[0], close[:-1]] * (1 + (1 - 2 * k) * 2e-4 + rng.normal(0, 2e-4, n))
            candles.append(pd.DataFrame({"coin": coin, "venue": venue, "time": t, "close": px})[keep])
            settle = np.arange(START, DATA_END, 8 * HOUR_MS, dtype=np.int64)
            quiet = (settle >= EVAL_START + 8 * HOUR_MS) & (settle <= EVAL_START + 16 * HOUR_MS)
            settle = settle[(rng.random(len(settle)) > 0.2) & ~(quiet & (coin == "ETH"))]
            rates = rng.normal(1e-5, 2e-5, len(settle))
            funding.append(
                pd.DataFrame({"coin": coin, "venue": venue, "time": settle, "funding_rate_hourly": rates})
            )
            hours = np.arange(START, DATA_END, HOUR_MS, dtype=np.int64) + 1_000
            hours = hours[(rng.random(len(hours)) > 0.1) & ((hours < down[0]) | (hours >= down[1]))]
            amount = 1e5 * np.exp(rng.normal(0, 0.1, len(hours)))
            oi.append(pd.DataFrame({"coin": coin, "venue": venue, "time": hours, "open_interest": amount}))
    out = {}
    for name, parts in (("venue_candles", candles), ("venue_funding", funding), ("venue_open_interest", oi)):
        frame = pd.concat(parts, ignore_index=True)
        frame["time"] = _ts(frame["time"].to_numpy())
        out[name] = frame
    return out


@functools.cache
def late_inputs(seed: int = 7) -> dict[str, pd.DataFrame]:
    """Every input from START to DATA_END for COINS, in lake schemas (cached: treat as read-only)."""
    rng = np.random.default_rng(seed)
    closes = _closes(rng, (DATA_END - START) // MINUTE_MS)
    return {
        "candles": _candles(rng, closes),
        "book_snapshots": _books(rng, closes),
        "trades": _trades(rng, closes),
        "funding": _funding(rng),
        "asset_contexts": _contexts(rng, closes),
        **_venues(rng, closes),
        **synthetic.wallet_inputs(rng, closes, START, DATA_END, unwritten=(0,)),  # day 1: no classes
    }


def lateness(inputs: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """How late and sparse the inputs are (for the test that the data is as hard as claimed)."""
    books = inputs["book_snapshots"].drop_duplicates(["coin", "time"])
    trades = inputs["trades"]
    out = {}
    for name, rows in (("book", books), ("trade", trades)):
        t, r = as_ms(rows["time"]), as_ms(rows["receive_time"])
        bar_close = (t // MINUTE_MS + 1) * MINUTE_MS
        out[f"{name}s_after_their_bar_closed"] = float((r > bar_close).mean())
        out[f"{name}s_over_2_min_late"] = float((r - t > 2 * MINUTE_MS).mean())
        gaps = np.concatenate([np.diff(np.sort(t[rows["coin"].to_numpy() == c])) for c in COINS])
        out[f"{name}_silences_over_5_min"] = float((gaps > 5 * MINUTE_MS).sum())
    f = as_ms(inputs["funding"]["time"])
    out["funding_over_1_min_past_the_hour"] = float((f % HOUR_MS > MINUTE_MS).mean())
    u = inputs["asset_contexts"]
    gaps = np.concatenate([np.diff(as_ms(u["time"][u["coin"] == c])) for c in COINS])
    out["context_silences_over_2_h"] = float((gaps > 2 * HOUR_MS).sum())
    return out


# --- cut times -----------------------------------------------------------------------------------


def cut_times(inputs: Mapping[str, pd.DataFrame], seed: int = 3) -> np.ndarray:
    """Sorted distinct cut times (ms) over the whole of days 1 and 2: random milliseconds; bar closes
    (1m, 5m, 15m) and a few ms either side; hours, and the minute before them; day boundaries; the
    bar close just before a late book or trade arrives, and the moment before and as it arrives;
    the bar close just before a funding or asset-context row; the bar close after a feed resumes
    from a silence with a late row (when the missing flags are most exposed); the bar close
    between the two receipts of a book received twice."""
    rng = np.random.default_rng(seed)
    lo, hi = EVAL_START + MINUTE_MS, EVAL_END
    cuts = [rng.integers(lo, hi, 50)]
    for step, k in ((MINUTE_MS, 12), (5 * MINUTE_MS, 5), (15 * MINUTE_MS, 5)):
        closes = rng.integers(lo // step, hi // step, k) * step
        cuts.append((closes[:, None] + np.array([-2, -1, 0, 1, 2])).ravel())
    hours = rng.integers(lo // HOUR_MS + 1, hi // HOUR_MS, 8) * HOUR_MS
    cuts.append((hours[:, None] + np.array([-MINUTE_MS, -1, 0, 1])).ravel())
    cuts.append(np.array([lo, *(EVAL_START + DAY_MS + d for d in (-1, 0, 1)), EVAL_END - 1, EVAL_END]))
    for name in ("book_snapshots", "trades"):
        rows = inputs[name].drop_duplicates(["coin", "time"])
        t, r = as_ms(rows["time"]), as_ms(rows["receive_time"])
        late = np.flatnonzero((r > (t // MINUTE_MS + 1) * MINUTE_MS) & (t >= lo) & (r < hi))
        pick = rng.choice(late, 7, replace=False)
        cuts += [(t[pick] // MINUTE_MS + 1) * MINUTE_MS, r[pick] - 1, r[pick]]
    for name, silence in (("book_snapshots", MINUTE_MS), ("trades", 5 * MINUTE_MS)):
        rows = inputs[name].drop_duplicates(["coin", "time"]).sort_values(["coin", "time"])
        t, r, coin = as_ms(rows["time"]), as_ms(rows["receive_time"]), rows["coin"].to_numpy()
        after = np.r_[True, (np.diff(t) > silence) | (coin[1:] != coin[:-1])]
        close = (t // MINUTE_MS + 1) * MINUTE_MS
        resumed = np.flatnonzero(after & (r > close) & (t >= lo) & (close <= hi))
        pick = rng.choice(resumed, min(6, len(resumed)), replace=False)
        cuts += [close[pick], r[pick] - 1]
    copies = inputs["book_snapshots"].groupby(["coin", "time"])["receive_time"].agg(["min", "max"])
    first, second = as_ms(copies["min"]), as_ms(copies["max"])
    close = (first // MINUTE_MS + 1) * MINUTE_MS
    between = np.flatnonzero((close < second) & (close >= lo) & (close <= hi))
    cuts.append(close[rng.choice(between, min(6, len(between)), replace=False)])
    for name in ("funding", "asset_contexts"):
        t = as_ms(inputs[name]["time"])
        pick = rng.choice(t[(t >= lo) & (t < hi)], 7, replace=False)
        cuts += [pick // MINUTE_MS * MINUTE_MS, pick]
    out = np.unique(np.concatenate(cuts).astype(np.int64))
    return out[(out >= lo) & (out <= hi)]


# --- the feature check -------------------------------------------------------------------------


@dataclass
class FeatureCheck:
    """What a passing `check_features_at_cuts` compared."""

    full: pd.DataFrame  # the features on the full inputs
    cuts: int = 0
    values: int = 0  # (bar, coin, column) values compared, over all cuts
    at_last_bar: dict[str, int] = field(default_factory=dict)
    """Per column, over cuts and coins: how often the last bar closed by the cut (the one most
    exposed to late data) held a value (a feature) or was set (a flag)."""


def _grid(frame: pd.DataFrame, columns: list[str], coins: int) -> np.ndarray:
    """The columns as a float array (coin, bar, column); flags become 0/1."""
    return frame[columns].to_numpy(dtype=float).reshape(coins, -1, len(columns))


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.isclose(a, b, rtol=1e-12, atol=0.0) | (np.isnan(a) & np.isnan(b))


def _report(what: str, cut: int, columns: list[str], bad: np.ndarray, a, b, coins, times) -> str:
    where = np.argwhere(bad)
    per_column = {columns[j]: int(n) for j, n in enumerate(bad.sum(axis=(0, 1))) if n}
    lines = [f"{what} at {int(bad.sum())} value(s) before cut {pd.Timestamp(cut, unit='ms')}: {per_column}"]
    for c, i, j in where[:6]:
        lines.append(
            f"  {coins[c]} bar {pd.Timestamp(times[i], unit='ms')} {columns[j]}: "
            f"full inputs {a[c, i, j]!r}, inputs known at the cut {b[c, i, j]!r}"
        )
    return "\n".join(lines)


def check_features_at_cuts(
    inputs: Mapping[str, pd.DataFrame],
    cuts: Iterable[int],
    *,
    bar: str = "1m",
    start_ms: int = EVAL_START,
    end_ms: int = FULL_END,
    columns: list[str] | None = None,
) -> FeatureCheck:
    """For every cut: truncate each input to the rows known by it (`known_ms`), recompute the
    features from `start_ms` to just past the cut, and compare every bar that closed by the cut
    (open + bar <= cut) with the features on the full inputs. Raises LookaheadDetected at the first
    cut where a value differs (NaN equals NaN)."""
    step = bar_ms(bar)
    columns = list(columns or CHECKED)
    truncate = Truncator(inputs)
    full = compute_features(inputs, start_ms, end_ms, bar=bar)
    coins = sorted(full["coin"].unique())
    times = np.arange(start_ms, end_ms, step, dtype=np.int64)
    a = _grid(full, columns, len(coins))
    if a.shape[1] != len(times):
        raise AssertionError(f"full features hold {a.shape[1]} bars a coin, expected {len(times)}")
    result = FeatureCheck(full=full, at_last_bar=dict.fromkeys(columns, 0))
    for cut in (int(c) for c in cuts):
        closed = (cut - start_ms) // step  # bars opening at start + i * step with i < closed
        if closed <= 0 or start_ms + closed * step > end_ms:
            raise ValueError(f"cut {cut} closes no bar in [{start_ms}, {end_ms})")
        end = min(start_ms + (closed + 2) * step, end_ms)  # two bars past the last closed one
        got = compute_features(truncate(cut), start_ms, end, bar=bar)
        if sorted(got["coin"].unique()) != coins:
            raise LookaheadDetected(f"cut {cut}: coins {sorted(got['coin'].unique())} against {coins}")
        b = _grid(got, columns, len(coins))
        if not np.array_equal(as_ms(got["time"])[: b.shape[1]], times[: b.shape[1]]):
            raise AssertionError(f"cut {cut}: the bars computed are not those of the full inputs")
        bad = ~_same(a[:, :closed], b[:, :closed])
        if bad.any():
            raise LookaheadDetected(
                _report("features changed", cut, columns, bad, a, b, coins, times)
                + f"\n(bar {bar}; a value at a bar that closed by the cut read data known after it)"
            )
        result.cuts += 1
        result.values += bad.size
        last = a[:, closed - 1]
        for j, name in enumerate(columns):
            result.at_last_bar[name] += int(
                (last[:, j] == 1).sum() if name in FLAGS else (~np.isnan(last[:, j])).sum()
            )
    return result


# --- the label check ---------------------------------------------------------------------------


def _bar_grid(candles: pd.DataFrame, start_ms: int, end_ms: int, step: int) -> dict[str, np.ndarray]:
    """Per coin: close, high, low of each bar in [start_ms, end_ms), NaN unless all its minutes exist
    (the test's own grid)."""
    out = {}
    per = step // MINUTE_MS
    minutes = (end_ms - start_ms) // MINUTE_MS
    for coin, rows in candles.groupby("coin", sort=True):
        t = as_ms(rows["time"])
        inside = (t >= start_ms) & (t < end_ms)
        pos = (t[inside] - start_ms) // MINUTE_MS
        grid = {}
        for name in ("close", "high", "low"):
            column = np.full(minutes, np.nan)
            column[pos] = rows[name].to_numpy(float)[inside]
            grid[name] = column.reshape(-1, per)
        whole = ~np.isnan(grid["close"]).any(axis=1)
        out[str(coin)] = np.stack(
            [
                np.where(whole, grid["close"][:, -1], np.nan),
                np.where(whole, grid["high"].max(axis=1), np.nan),
                np.where(whole, grid["low"].min(axis=1), np.nan),
            ]
        )
    return out


def reference_labels(
    candles: pd.DataFrame, start_ms: int, end_ms: int, spec: LabelSpec, rows: np.ndarray
) -> dict[str, np.ndarray]:
    """Labels spelled out one row at a time for `rows` (positions into compute_labels' output):
    the entry is the bar's own close, the path the bars after it within the horizon; any of them
    missing makes the label missing."""
    step = bar_ms(spec.bar)
    grids = _bar_grid(candles, start_ms, end_ms + spec.max_horizon_ms, step)
    coins = sorted(grids)
    n, hs = (end_ms - start_ms) // step, list(spec.horizons_min)
    fwd, direction, barrier, known = (np.full(len(rows), np.nan) for _ in range(4))
    for k, row in enumerate(rows):
        coin, i, h = coins[row // (n * len(hs))], row // len(hs) % n, hs[row % len(hs)]
        close, high, low = grids[coin]
        steps = h * MINUTE_MS // step
        known[k] = start_ms + (i + 1) * step + h * MINUTE_MS
        entry, path = close[i], slice(i + 1, i + steps + 1)
        if not np.isnan(entry) and not np.isnan(close[i + steps]):
            fwd[k] = np.log(close[i + steps]) - np.log(entry)  # as the code rounds it
            direction[k] = 1.0 if fwd[k] > spec.dead_zone else -1.0 if fwd[k] < -spec.dead_zone else 0.0
        if np.isnan(entry) or np.isnan(close[path]).any():
            continue
        up = np.flatnonzero(high[path] >= entry * np.exp(spec.barrier))
        down = np.flatnonzero(low[path] <= entry * np.exp(-spec.barrier))
        first_up, first_down = (x[0] if len(x) else steps for x in (up, down))
        barrier[k] = float(np.sign(first_down - first_up))
    return {"fwd_log_return": fwd, "direction": direction, "triple_barrier": barrier, "known_time": known}


LABEL_VALUES = ("fwd_log_return", "direction", "triple_barrier")


def _label_values(frame: pd.DataFrame) -> np.ndarray:
    return np.stack([frame[c].to_numpy(dtype=float, na_value=np.nan) for c in LABEL_VALUES], axis=1)


@dataclass
class LabelCheck:
    """What a passing `check_labels` compared."""

    full: pd.DataFrame  # the labels on all candles
    values: int  # label values compared, reference and cuts together
    near_gap: int  # label rows whose window holds a missing bar
    missing_near_gap: int  # of those, how many have a missing label value


def check_labels(
    candles: pd.DataFrame,
    cuts: Iterable[int],
    *,
    spec: LabelSpec = LabelSpec(),
    start_ms: int = EVAL_START,
    end_ms: int = EVAL_END,
    sample: int = 1500,
    seed: int = 5,
) -> LabelCheck:
    """Labels read only the bars after the bar's close within the horizon and are missing when one is:
    (1) compute_labels equals `reference_labels` on every row whose window holds a missing bar and
    on `sample` random others; (2) at every cut, labels from the candles known by then (`known_ms`)
    equal the full ones where known by the cut (known_time <= cut) and are missing otherwise.
    Raises LookaheadDetected."""
    step = bar_ms(spec.bar)
    full = compute_labels(candles, start_ms, end_ms, spec)
    coins = full["coin"].nunique()
    values = _label_values(full)
    known = as_ms(full["known_time"])

    # (1) the reference, on every row a gap touches and a random sample of the rest
    grids = _bar_grid(candles, start_ms, end_ms + spec.max_horizon_ms, step)
    n, hs = (end_ms - start_ms) // step, len(spec.horizons_min)
    near_gap = np.zeros(len(full), bool)
    for c, coin in enumerate(sorted(grids)):
        hole = np.isnan(grids[coin][0])
        for j, h in enumerate(spec.horizons_min):
            steps = h * MINUTE_MS // step
            touched = np.convolve(hole, np.ones(steps + 1), "full")[steps : steps + n] > 0
            near_gap[c * n * hs + np.arange(n) * hs + j] = touched
    rng = np.random.default_rng(seed)
    rows = np.union1d(np.flatnonzero(near_gap), rng.choice(len(full), sample, replace=False))
    ref = reference_labels(candles, start_ms, end_ms, spec, rows)
    if not np.array_equal(known[rows], ref["known_time"].astype(np.int64)):
        raise LookaheadDetected("known_time is not the bar's close plus the horizon")
    expected = np.stack([ref[c] for c in LABEL_VALUES], axis=1)
    bad = ~(
        np.isclose(values[rows], expected, rtol=1e-12, atol=0.0)
        | (np.isnan(values[rows]) & np.isnan(expected))
    )
    if bad.any():
        k, j = np.argwhere(bad)[0]
        row = full.iloc[rows[k]]
        raise LookaheadDetected(
            f"labels differ from the bars after the close at {int(bad.sum())} value(s), e.g. "
            f"{row['coin']} {row['time']} {row['horizon_min']}m {LABEL_VALUES[j]}: "
            f"{values[rows[k], j]!r}, expected {expected[k, j]!r} (NaN: a bar it needs is missing)"
        )
    compared = int(bad.size)

    # (2) point in time
    candles_known = known_ms(candles, "candles")
    for cut in (int(c) for c in cuts):
        end = min(max((cut // step + 1) * step, start_ms + step), end_ms)
        got = compute_labels(candles[candles_known <= cut], start_ms, end, spec)
        if got["coin"].nunique() != coins:
            raise AssertionError(f"cut {cut}: labels for {got['coin'].nunique()} coins, expected {coins}")
        m = len(got) // coins
        mine = values.reshape(coins, n * hs, 3)[:, :m].reshape(-1, 3)
        when = known.reshape(coins, n * hs)[:, :m].ravel()
        b = _label_values(got)
        early = when <= cut
        changed = early[:, None] & ~(np.isclose(mine, b, rtol=1e-12, atol=0) | (np.isnan(mine) & np.isnan(b)))
        guessed = ~early[:, None] & ~np.isnan(b)
        if changed.any() or guessed.any():
            raise LookaheadDetected(
                f"labels at cut {pd.Timestamp(cut, unit='ms')}: {int(changed.sum())} known by the cut "
                f"changed, {int(guessed.sum())} not yet knowable were given a value"
            )
        compared += int(b.size)
    missing = int(np.isnan(values[near_gap]).any(axis=1).sum())
    return LabelCheck(full, compared, int(near_gap.sum()), missing)


# --- the purge check ---------------------------------------------------------------------------

PURGE_SPLITS = (
    SplitSpec(n_folds=5, embargo_ms=0),  # the purge alone must keep labels out of the test window
    SplitSpec(n_folds=5),  # the default embargo (the label horizon)
    SplitSpec(n_folds=4, embargo_ms=10 * MINUTE_MS, mode="rolling", train_ms=6 * HOUR_MS),
)
PURGE_SPECS = (LabelSpec(), LabelSpec(horizons_min=(15, 120), bar="5m"))


@functools.cache
def training_inputs(bar: str = "1m") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Features and labels of days 1 and 2 on the late inputs (cached: treat as read-only)."""
    inputs = late_inputs()
    spec = next(s for s in PURGE_SPECS if s.bar == bar)
    return (
        compute_features(inputs, EVAL_START, EVAL_END, bar=bar),
        compute_labels(inputs["candles"], EVAL_START, EVAL_END, spec),
    )


def check_purge_all() -> int:
    """`check_purge` for every label spec and split above; the training rows checked."""
    rows = 0
    for spec in PURGE_SPECS:
        features, labels = training_inputs(spec.bar)
        for split in PURGE_SPLITS:
            rows += check_purge(features, labels, spec=spec, split=split, as_of_ms=DATA_END)
    return rows


def check_purge(
    features: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    spec: LabelSpec,
    split: SplitSpec,
    as_of_ms: int,
) -> int:
    """Build the training set and, for each fold the model step would use (`training_folds`), check
    that no training row's label window reaches into the fold's test window: every training row has
    t + bar + max horizon < test_start (plus the embargo, when the split sets one) and every one of
    its label known times before test_start; test rows lie in the window and carry the fold.
    Raises LookaheadDetected; returns the number of training rows checked."""
    frame, manifest = build_training_set(features, labels, as_of_ms=as_of_ms, spec=spec, split=split)
    t = as_ms(frame["time"])
    window = bar_ms(spec.bar) + spec.max_horizon_ms  # [t, t + window]: bar open to the last label known
    embargo = split.embargo_ms or 0
    known = np.stack([as_ms(frame[f"known_time_{h}m"]) for h in spec.horizons_min], axis=1)
    folds = training_folds(frame, manifest)
    if len(folds) != split.n_folds:
        raise AssertionError(f"{len(folds)} folds, expected {split.n_folds}")
    checked = 0
    for fold in folds:
        train_t = t[fold.train]
        reach = train_t + window + embargo
        crossing = (reach >= fold.test_start) | (known[fold.train] >= fold.test_start).any(axis=1)
        if crossing.any():
            first = int(train_t[crossing].min())
            raise LookaheadDetected(
                f"fold {fold.index}: {int(crossing.sum())} training row(s) have a label window reaching "
                f"the test window from {pd.Timestamp(fold.test_start, unit='ms')} (e.g. a row at "
                f"{pd.Timestamp(first, unit='ms')}; window {window} ms, embargo {embargo} ms)"
            )
        test_t = t[fold.test]
        if not ((test_t >= fold.test_start) & (test_t < fold.test_end)).all():
            raise AssertionError(f"fold {fold.index}: a test row lies outside its window")
        if not (frame["fold"].to_numpy()[fold.test] == fold.index).all():
            raise AssertionError(f"fold {fold.index}: its test rows carry another fold")
        if len(fold.train) == 0:
            raise AssertionError(f"fold {fold.index} has no training rows")
        checked += len(fold.train)
    return checked

"""Small but realistic synthetic inputs in their lake schemas: correlated random-walk candles with
gaps, funding with null premiums, daily open interest, book snapshots received late and out of
order, and trades between a skewed population of wallets."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS, MINUTE_MS

START = 1_709_251_200_000  # 2024-03-01 00:00 UTC
COINS = ("BTC", "ETH", "SOL")
PRICES = {"BTC": 60_000.0, "ETH": 3_000.0, "SOL": 120.0}


def _ts(ms: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(ms, dtype=np.int64).astype("datetime64[ms]")).dt.tz_localize("UTC")


def _closes(days: int, seed: int, coins=COINS) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = days * 1440
    market = rng.normal(0, 8e-4, n)
    out = {}
    for i, coin in enumerate(coins):
        r = (1.0 if coin == "BTC" else 0.8 + 0.3 * i) * market + rng.normal(0, 5e-4, n)
        out[coin] = PRICES.get(coin, 50.0) * np.exp(np.cumsum(r))
    return out


def candles(days: int = 3, seed: int = 1, coins=COINS, gap_minutes: int = 25) -> pd.DataFrame:
    """1m candles; every coin loses a few random spans of up to `gap_minutes` minutes."""
    rng = np.random.default_rng(seed + 100)
    parts = []
    for coin, close in _closes(days, seed, coins).items():
        n = len(close)
        open_ = np.r_[close[0], close[:-1]]
        wiggle = np.abs(rng.normal(0, 4e-4, (2, n))) * close
        high = np.maximum(open_, close) + wiggle[0]
        low = np.minimum(open_, close) - wiggle[1]
        keep = np.ones(n, bool)
        for start in rng.integers(0, n, size=days * 2):
            keep[start : start + rng.integers(1, gap_minutes + 1)] = False
        t = START + np.arange(n, dtype=np.int64) * MINUTE_MS
        frame = pd.DataFrame(
            {
                "coin": coin,
                "interval": "1m",
                "source": "api",
                "time": t,
                "close_time": t + MINUTE_MS - 1,
                "open": open_,
                "high": high,
                "low": low,
                "close": close,
                "volume": rng.lognormal(2, 1, n),
                "trades": rng.poisson(30, n).astype(np.int64),
            }
        )[keep]
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True)
    frame["ingest_time"] = START + days * DAY_MS + HOUR_MS
    for c in ("time", "close_time", "ingest_time"):
        frame[c] = _ts(frame[c].to_numpy())
    return frame


def funding(days: int = 3, seed: int = 1, coins=COINS) -> pd.DataFrame:
    """Hourly funding with a missing hour here and there and some null premiums."""
    rng = np.random.default_rng(seed + 200)
    hours = days * 24
    parts = []
    for coin in coins:
        t = START + np.arange(hours, dtype=np.int64) * HOUR_MS + rng.integers(0, 3000, hours)
        premium = rng.normal(0, 3e-4, hours)
        premium[rng.random(hours) < 0.1] = np.nan
        frame = pd.DataFrame(
            {"coin": coin, "time": t, "funding_rate": rng.normal(1e-5, 2e-5, hours), "premium": premium}
        )
        parts.append(frame[rng.random(hours) > 0.05])
    frame = pd.concat(parts, ignore_index=True)
    frame["ingest_time"] = _ts(np.full(len(frame), START + days * DAY_MS))
    frame["time"] = _ts(frame["time"].to_numpy())
    return frame


def contexts(days: int = 3, seed: int = 1, coins=COINS) -> pd.DataFrame:
    """One asset-context snapshot per coin per day, a few minutes past midnight; some OI null."""
    rng = np.random.default_rng(seed + 300)
    rows = []
    for d in range(days):
        for coin in coins:
            oi = None if rng.random() < 0.15 else float(rng.lognormal(15, 0.2))
            rows.append(
                {
                    "coin": coin,
                    "time": START + d * DAY_MS + int(rng.integers(60_000, 600_000)),
                    "open_interest": oi,
                }
            )
    frame = pd.DataFrame(rows)
    frame["time"] = _ts(frame["time"].to_numpy())
    return frame


def _price_at(close: np.ndarray, t: np.ndarray) -> np.ndarray:
    return close[np.clip((t - START) // MINUTE_MS, 0, len(close) - 1)]


def book_snapshots(
    days: int = 3, seed: int = 1, coins=COINS, every_ms: int = 20_000, levels: int = 5
) -> pd.DataFrame:
    """Long-format snapshots; received 5 ms to 3 s late (so some arrive out of order); a silent
    span of 10-40 minutes per coin per day."""
    rng = np.random.default_rng(seed + 400)
    closes = _closes(days, seed, coins)
    parts = []
    for coin in coins:
        t = (
            START
            + np.arange(0, days * DAY_MS, every_ms, dtype=np.int64)
            + rng.integers(0, every_ms // 2, days * DAY_MS // every_ms)
        )
        for d in range(days):
            lo = START + d * DAY_MS + int(rng.integers(0, DAY_MS - HOUR_MS))
            t = t[(t < lo) | (t >= lo + int(rng.integers(10, 40)) * MINUTE_MS)]
        receive = t + rng.integers(5, 3000, len(t))
        mid = _price_at(closes[coin], t)
        half = mid * rng.uniform(0.5e-4, 3e-4, len(t))
        tick = mid * 1e-4
        for side, sign in (("bid", -1), ("ask", 1)):
            for level in range(levels):
                parts.append(
                    pd.DataFrame(
                        {
                            "coin": coin,
                            "time": t,
                            "side": side,
                            "level": np.int16(level),
                            "px": mid + sign * (half + level * tick * rng.uniform(1, 6, len(t))),
                            "sz": rng.lognormal(0, 1, len(t)),
                            "n": rng.integers(1, 20, len(t)).astype(np.int32),
                            "receive_time": receive,
                        }
                    )
                )
    frame = pd.concat(parts, ignore_index=True).sort_values(
        ["coin", "time", "side", "level"], ignore_index=True
    )
    for c in ("time", "receive_time"):
        frame[c] = _ts(frame[c].to_numpy())
    return frame


def trades(
    days: int = 3, seed: int = 1, coins=COINS, per_minute: float = 12.0, wallets: int = 60
) -> pd.DataFrame:
    """Trades at random times between wallets drawn from a Zipf-like population; received 1 ms to
    2 s late; a silent span of 10-30 minutes per coin per day."""
    rng = np.random.default_rng(seed + 500)
    closes = _closes(days, seed, coins)
    population = np.array([f"0x{i:040x}" for i in range(wallets)])
    weights = 1.0 / np.arange(1, wallets + 1)
    weights /= weights.sum()
    parts = []
    for coin in coins:
        n = rng.poisson(per_minute * days * 1440)
        t = np.sort(START + rng.integers(0, days * DAY_MS, n))
        for d in range(days):
            lo = START + d * DAY_MS + int(rng.integers(0, DAY_MS - HOUR_MS))
            t = t[(t < lo) | (t >= lo + int(rng.integers(10, 30)) * MINUTE_MS)]
        n = len(t)
        buyer, seller = rng.choice(population, n, p=weights), rng.choice(population, n, p=weights)
        px = _price_at(closes[coin], t)
        parts.append(
            pd.DataFrame(
                {
                    "coin": coin,
                    "time": t,
                    "px": px,
                    "sz": rng.lognormal(0, 1.5, n) * 3000 / px,
                    "side": rng.choice(["B", "A"], n),
                    "tid": np.arange(n, dtype=np.int64),
                    "hash": "0x0",
                    "buyer": buyer,
                    "seller": seller,
                    "receive_time": t + rng.integers(1, 2000, n),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    for c in ("time", "receive_time"):
        frame[c] = _ts(frame[c].to_numpy())
    return frame


VENUES = ("binanceusdm", "okx")


def venue_candles(days: int = 3, seed: int = 1, coins=COINS) -> pd.DataFrame:
    """Two venues' 1m closes: the coin's close a minute late, a basis and noise; each venue loses spans."""
    rng = np.random.default_rng(seed + 600)
    parts = []
    for coin, close in _closes(days, seed, coins).items():
        n = len(close)
        for k, venue in enumerate(VENUES):
            lagged = np.r_[close[0], close[:-1]] * (1 + (2 - 3 * k) * 1e-4 + rng.normal(0, 2e-4, n))
            keep = np.ones(n, bool)
            for start in rng.integers(0, n, size=days * 3):
                keep[start : start + rng.integers(1, 40)] = False
            t = START + np.arange(n, dtype=np.int64) * MINUTE_MS
            parts.append(pd.DataFrame({"coin": coin, "venue": venue, "time": t, "close": lagged})[keep])
    frame = pd.concat(parts, ignore_index=True)
    frame["time"] = _ts(frame["time"].to_numpy())
    return frame


def venue_funding(days: int = 3, seed: int = 1, coins=COINS) -> pd.DataFrame:
    """8-hourly settlements per venue, normalised to an hour; one settlement in ten missing."""
    rng = np.random.default_rng(seed + 700)
    rows = [
        {"coin": c, "venue": v, "time": START + h * HOUR_MS, "funding_rate_hourly": rng.normal(1e-5, 2e-5)}
        for c in coins
        for v in VENUES
        for h in range(0, days * 24, 8)
        if rng.random() > 0.1
    ]
    frame = pd.DataFrame(rows)
    frame["time"] = _ts(frame["time"].to_numpy())
    return frame


def venue_open_interest(days: int = 3, seed: int = 1, coins=COINS) -> pd.DataFrame:
    """Hourly open interest per venue in coin units (okx also in USD); some hours missing."""
    rng = np.random.default_rng(seed + 800)
    rows = []
    for coin in coins:
        for venue in VENUES:
            for h in range(days * 24):
                if rng.random() < 0.1:
                    continue
                amount = float(rng.lognormal(15, 0.2))
                usd = amount * PRICES.get(coin, 50.0) if venue == "okx" else None
                rows.append(
                    {
                        "coin": coin,
                        "venue": venue,
                        "time": START + h * HOUR_MS + 1000,
                        "open_interest": amount,
                        "open_interest_usd": usd,
                    }
                )
    frame = pd.DataFrame(rows)
    frame["time"] = _ts(frame["time"].to_numpy())
    return frame


@functools.cache
def inputs(days: int = 3, seed: int = 1, coins=COINS) -> dict[str, pd.DataFrame]:
    """Every input dataset over `days` days from START (cached: treat as read-only)."""
    return {
        "candles": candles(days, seed, coins),
        "funding": funding(days, seed, coins),
        "asset_contexts": contexts(days, seed, coins),
        "book_snapshots": book_snapshots(days, seed, coins),
        "trades": trades(days, seed, coins),
        "venue_candles": venue_candles(days, seed, coins),
        "venue_funding": venue_funding(days, seed, coins),
        "venue_open_interest": venue_open_interest(days, seed, coins),
        **wallet_inputs(
            np.random.default_rng(seed + 900), _closes(days, seed, coins), START, START + days * DAY_MS
        ),
    }


KINDS = ("whale", "smart_money", "market_maker", "liquidation_prone", "retail", "bot")


def wallet_inputs(
    rng: np.random.Generator,
    closes: dict[str, np.ndarray],
    first_ms: int,
    end_ms: int,
    wallets: int = 30,
    unwritten: tuple[int, ...] = (),
) -> dict[str, pd.DataFrame]:
    """The tracked wallets' fills from `first_ms` to `end_ms` and a profile per day ending by
    `end_ms` (its window's end, midnight, as `time`), plus today's partial one stamped `end_ms`:
    a few fills a minute with a silence of 1.5-3 hours per coin a day, one in twenty fills on a
    minute's first millisecond, positions chained per wallet and coin (start position plus signed
    size), liquidations closing a liquidation-prone wallet's position (the counterparty's fill
    carries the object too); kinds drift from day to day. The profiles of the days `unwritten`
    (counted from the first) are left out."""
    users = np.array([f"0x{i + 1000:040x}" for i in range(wallets)])
    base = rng.choice(KINDS, wallets)
    days = range(first_ms // DAY_MS, -(-end_ms // DAY_MS))
    kinds = {d: np.where(rng.random(wallets) < 0.25, rng.choice(KINDS, wallets), base) for d in days}
    profiles = [
        pd.DataFrame({"time": min((d + 1) * DAY_MS, end_ms), "user": users, "kind": kinds[d]})
        for d in days
        if d - days[0] not in unwritten
    ]
    parts = []
    for coin, close in closes.items():
        minutes = (end_ms - first_ms) // MINUTE_MS
        t = np.sort(first_ms + rng.integers(0, minutes * MINUTE_MS, rng.poisson(3 * minutes)))
        on_minute = rng.random(len(t)) < 0.05
        t = np.where(on_minute, t // MINUTE_MS * MINUTE_MS, t)
        for d in days:
            lo = d * DAY_MS + int(rng.integers(0, DAY_MS - 3 * HOUR_MS))
            t = t[(t < lo) | (t >= lo + int(rng.integers(90, 180)) * MINUTE_MS)]
        who = rng.integers(0, wallets, len(t))
        px = _price_at(close, t)
        sz = rng.lognormal(0, 1.2, len(t)) * 2000 / px
        side = rng.choice(np.array(["B", "A"]), len(t))
        liquidation = np.full(len(t), None, dtype=object)
        position, start = np.zeros(wallets), np.zeros(len(t))
        for i, w in enumerate(who):
            if base[w] == "liquidation_prone" and position[w] != 0 and rng.random() < 0.3:
                side[i], sz[i] = ("A" if position[w] > 0 else "B"), abs(position[w])
                liquidation[i] = (
                    f'{{"liquidatedUser": "{users[w]}", "markPx": {px[i]:.2f}, "method": "market"}}'
                )
            start[i] = position[w]
            position[w] += sz[i] if side[i] == "B" else -sz[i]
        counterparty = np.flatnonzero(pd.notna(liquidation))
        other = (who[counterparty] + 1 + rng.integers(0, wallets - 1, len(counterparty))) % wallets
        parts.append(
            pd.DataFrame(
                {"coin": coin, "time": t, "user": users[who], "px": px, "sz": sz, "side": side}
                | {"start_position": start, "crossed": rng.random(len(t)) < 0.5, "liquidation": liquidation}
            )
        )
        # the counterparty's fill: same liquidation object, position not chained (it is not a whale test)
        parts.append(
            parts[-1]
            .iloc[counterparty]
            .assign(user=users[other], side=np.where(side[counterparty] == "B", "A", "B"), start_position=0.0)
        )
    fills = pd.concat(parts, ignore_index=True)
    fills["time"] = _ts(fills["time"].to_numpy())
    classes = pd.concat(profiles, ignore_index=True)
    classes["time"] = _ts(classes["time"].to_numpy())
    return {"wallet_fills": fills, "wallet_profiles": classes}

"""portfolio (account value and PnL history, volume), userRateLimit and referral, from the same
account values (clearinghouse.py) and traded volumes (volumes.py) the other endpoints serve."""

from __future__ import annotations

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.simulator.accounts import account_value
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_dec
from hl_pipeline.simulator.volumes import day_volumes

_MONTH_DAYS = 30


def _samples(market: Market, period: str, now: int) -> list[int]:
    """Sample times of a period, the last one now (past samples at day starts, except for `day`)."""
    today = now // DAY_MS * DAY_MS
    if period == "day":
        times = list(range(now - DAY_MS, now, 2 * HOUR_MS))
    elif period == "week":
        times = [today - k * DAY_MS for k in range(7, 0, -1)]
    elif period == "month":
        times = [today - k * DAY_MS for k in range(_MONTH_DAYS, 0, -2)]
    else:
        first = -(-market.config.listing_ms // DAY_MS)
        days = max(1, now // DAY_MS - first)
        times = sorted({(first + days * k // 12) * DAY_MS for k in range(12)})
    return [t for t in times if t >= market.config.listing_ms] + [now]


def volume(market: Market, wallet: int, days: int, now: int) -> float:
    """Notional the wallet traded over the last `days` UTC days (today included)."""
    today = now // DAY_MS
    first = market.config.listing_ms // DAY_MS
    return float(
        sum(
            day_volumes(market.tape, d, now)[:, wallet].sum()
            for d in range(max(first, today - days + 1), today + 1)
        )
    )


def all_time_volume(market: Market, wallet: int, now: int) -> float:
    """All-time volume, extrapolated from the last 30 days (the tape is not summed since listing)."""
    days = max(1, (now - market.config.listing_ms) // DAY_MS + 1)
    return volume(market, wallet, _MONTH_DAYS, now) * max(1.0, days / _MONTH_DAYS)


def portfolio(market: Market, user: str, now: int) -> list:
    """portfolio: [period, {accountValueHistory, pnlHistory, vlm}] for each period, perp ones alike."""
    w = market.wallets.index(user)
    out: list[tuple[str, dict]] = []
    for period in ("day", "week", "month", "allTime"):
        times = _samples(market, period, now)
        values = [account_value(market, w, t) for t in times]
        if w is None:
            vlm = 0.0
        elif period == "allTime":
            vlm = all_time_volume(market, w, now)
        else:
            vlm = volume(market, w, {"day": 1, "week": 7, "month": _MONTH_DAYS}[period], now)
        body = {
            "accountValueHistory": [[t, fmt_dec(v, 6)] for t, v in zip(times, values)],
            "pnlHistory": [[t, fmt_dec(v - values[0], 6)] for t, v in zip(times, values)],
            "vlm": fmt_dec(vlm, 6),
        }
        out.append((period, body))
    return [[p, body] for p, body in out] + [["perp" + p[0].upper() + p[1:], body] for p, body in out]


def rate_limit(market: Market, user: str, now: int) -> dict:
    """userRateLimit: 10,000 requests plus one per USDC traded; some of them used."""
    w = market.wallets.index(user)
    cum = 0.0 if w is None else all_time_volume(market, w, now)
    cap = 10_000 + int(cum)
    used = 0 if w is None else int(cap * 0.3 * float(uniform(stream_key(market.config.seed, 43), [w])[0]))
    return {"cumVlm": fmt_dec(cum, 6), "nRequestsUsed": used, "nRequestsCap": cap}


def referral(market: Market, user: str, now: int) -> dict:
    """referral: retail wallets were referred by the first market maker; nobody has rewards."""
    w = market.wallets.index(user)
    referred = w is not None and market.wallets.kinds[w] == "retail"
    code = f"SIM{w:02d}" if w is not None else None
    return {
        "referredBy": {"referrer": market.wallets.addresses[0], "code": "SIM00"} if referred else None,
        "cumVlm": fmt_dec(0.0 if w is None else all_time_volume(market, w, now), 6),
        "unclaimedRewards": "0.0",
        "claimedRewards": "0.0",
        "builderRewards": "0.0",
        "referrerState": {"stage": "ready", "data": {"code": code, "referralStates": []}}
        if code
        else {"stage": "needToTrade", "data": {"required": "10000.0"}},
        "rewardHistory": [],
    }

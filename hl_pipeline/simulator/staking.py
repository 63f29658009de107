"""Staking: whales (and a few retail wallets) deposit into staking and delegate, one chance per
30 days; delegations, the summary and the rewards all sum that history (pure functions of seed and time)."""

from __future__ import annotations

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator.ledger import drawn_events, event_hash
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_dec

VALIDATORS = (
    "0x5ac99df645f3414876c816caa18b2d234024b487",
    "0xb8f45222a3246a2b0104696a1df26842007c5bc5",
    "0xa82fe73bbd768bdad4a4ef6f7e8e2e1c9e5bd4b0",
)
_STAKE_DAYS = 30


def stake_events(market: Market, wallet: int | None, now: int) -> list[tuple[int, str, float]]:
    """(time, validator, amount) of the wallet's delegations up to now, oldest first (whales and
    some retail stake; each delegation follows a deposit into staking 20 s earlier)."""
    if wallet is None or market.wallets.kinds[wallet] == "market_maker":
        return []
    period = _STAKE_DAYS * DAY_MS
    chance = 0.6 if market.wallets.kinds[wallet] == "whale" else 0.05
    periods = range(market.config.listing_ms // period, now // period + 1)
    scale = 20_000.0 if market.wallets.kinds[wallet] == "whale" else 500.0
    return [
        (t, VALIDATORS[int(a * len(VALIDATORS))], round(scale * (0.2 + b), 1))
        for t, a, b in drawn_events(market, wallet, 24, periods, period, chance)
        if market.config.listing_ms <= t - 20_000 and t <= now
    ]


def delegator_history(market: Market, wallet: int | None, now: int) -> list[dict]:
    """delegatorHistory: deposits into staking and delegations, newest first."""
    rows = []
    for t, validator, amount in stake_events(market, wallet, now):
        text = fmt_dec(amount, 1)
        rows.append(
            {
                "time": t - 20_000,
                "hash": event_hash(market, 25, wallet or 0, t),
                "delta": {"cDeposit": {"amount": text}},
            }
        )
        rows.append(
            {
                "time": t,
                "hash": event_hash(market, 26, wallet or 0, t),
                "delta": {"delegate": {"validator": validator, "amount": text, "isUndelegate": False}},
            }
        )
    return rows[::-1]


def delegations(market: Market, wallet: int | None, now: int) -> list[dict]:
    """delegations: the amount staked per validator (the sum of the history), locked a day after the last."""
    total: dict[str, tuple[float, int]] = {}
    for t, validator, amount in stake_events(market, wallet, now):
        total[validator] = (total.get(validator, (0.0, 0))[0] + amount, t + DAY_MS)
    return [
        {"validator": v, "amount": fmt_dec(a, 8), "lockedUntilTimestamp": until}
        for v, (a, until) in total.items()
    ]


def delegator_summary(market: Market, wallet: int | None, now: int) -> dict:
    """delegatorSummary: totals of `delegations`."""
    staked = sum(amount for _, _, amount in stake_events(market, wallet, now))
    return {
        "delegated": fmt_dec(staked, 8),
        "undelegated": "0.0",
        "totalPendingWithdrawal": "0.0",
        "nPendingWithdrawals": 0,
    }


def delegator_rewards(market: Market, wallet: int | None, now: int) -> list[dict]:
    """delegatorRewards: a daily reward (2% a year) on the stake held on each of the last 30 days."""
    events = stake_events(market, wallet, now)
    rows = []
    for day in range(now // DAY_MS - 29, now // DAY_MS + 1):
        staked = sum(a for t, _, a in events if t <= day * DAY_MS)
        if staked:
            rows.append(
                {"time": day * DAY_MS, "source": "delegation", "totalAmount": fmt_dec(staked * 0.02 / 365, 8)}
            )
    return rows[::-1]

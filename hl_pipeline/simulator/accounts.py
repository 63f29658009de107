"""Who an address is (user, vault, sub-account, agent), its spot balances, sub-accounts and agents.

The vaults are the first two market makers (vaults.py). Each whale has one sub-account holding
USDC on spot only; each market maker one API agent. Balances are pure functions of (seed, wallet, time).
"""

from __future__ import annotations

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator.clearinghouse import clearinghouse_state
from hl_pipeline.simulator.hashing import hash64, stream_key, uniform
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_dec, fmt_lots
from hl_pipeline.simulator.pricepath import price
from hl_pipeline.simulator.spot import BASE_TOKEN, TOKEN_INDEX

VAULTS = range(2)  # population indices of the vaults


def draw(market: Market, stream: int, *index: int) -> float:
    """A uniform in [0, 1) for (seed, stream, index...)."""
    key = stream_key(market.config.seed, stream, *index[:-1])
    return float(uniform(key, [index[-1]])[0])


def _address(market: Market, stream: int, index: int) -> str:
    words = hash64(stream_key(market.config.seed, stream, index), [0, 1, 2])
    return "0x" + "".join(f"{int(w):016x}" for w in words)[:40]


def sub_account(market: Market, wallet: int) -> str | None:
    """A whale's sub-account address (others have none)."""
    return _address(market, 30, wallet) if market.wallets.kinds[wallet] == "whale" else None


def agent(market: Market, wallet: int) -> str | None:
    """A market maker's API wallet address (others have none)."""
    return _address(market, 31, wallet) if market.wallets.kinds[wallet] == "market_maker" else None


def account_value(market: Market, wallet: int | None, t_ms: int) -> float:
    """accountValue of clearinghouseState at a time."""
    return float(clearinghouse_state(market.tape, wallet, t_ms)["marginSummary"]["accountValue"])


def user_role(market: Market, user: str) -> dict:
    """userRole: user, vault, subAccount (with its master), agent (with its user) or missing."""
    w = market.wallets.index(user)
    if w is not None:
        return {"role": "vault"} if w in VAULTS else {"role": "user"}
    wal = market.wallets
    for i in wal.of_kind("whale"):
        if sub_account(market, i) == user.lower():
            return {"role": "subAccount", "data": {"master": wal.addresses[i]}}
    for i in wal.of_kind("market_maker"):
        if agent(market, i) == user.lower():
            return {"role": "agent", "data": {"user": wal.addresses[i]}}
    return {"role": "missing"}


def _sub_master(market: Market, user: str) -> int | None:
    role = user_role(market, user)
    return market.wallets.index(role["data"]["master"]) if role["role"] == "subAccount" else None


def spot_balances(market: Market, user: str, now: int) -> dict:
    """spotClearinghouseState: USDC and a few tokens per population wallet; USDC on a sub-account."""
    w = market.wallets.index(user)
    if w is None:
        master = _sub_master(market, user)
        if master is None:
            return {"balances": []}
        usdc = float(market.wallets.account_usd[master]) * 0.02 * (0.5 + draw(market, 32, master))
        return {"balances": [_balance("USDC", usdc, 0.0)]}
    rows = [_balance("USDC", float(market.wallets.account_usd[w]) * 0.1 * (0.5 + draw(market, 33, w)), 0.0)]
    for i in range(market.n_perps, len(market.specs)):
        spec = market.specs[i]
        if draw(market, 34, w, i) < 0.5:
            continue
        entry_t = max(market.config.listing_ms, now - DAY_MS * int(1 + 60 * draw(market, 35, w, i)))
        entry_px = float(
            price(market.config.seed, i, spec.start_px, spec.daily_vol, [entry_t], spec.signal)[0]
        )
        usd = market.wallets.position_usd(w) * (0.2 + draw(market, 36, w, i))
        lots = round(usd / entry_px * 10**spec.sz_decimals)
        rows.append(
            _balance(
                BASE_TOKEN[spec.name],
                lots / 10**spec.sz_decimals,
                lots / 10**spec.sz_decimals * entry_px,
                lots,
                spec.sz_decimals,
            )
        )
    return {"balances": rows}


def _balance(coin: str, total: float, entry: float, lots: int | None = None, sz: int = 8) -> dict:
    text = fmt_dec(total, 8) if lots is None else fmt_lots(lots, sz)
    return {
        "coin": coin,
        "token": TOKEN_INDEX[coin],
        "total": text,
        "hold": "0.0",
        "entryNtl": fmt_dec(entry, 6),
    }


def sub_accounts(market: Market, user: str, now: int) -> list[dict] | None:
    """subAccounts: a whale's one sub-account with its (empty) perp state and spot USDC; null for others."""
    w = market.wallets.index(user)
    sub = None if w is None else sub_account(market, w)
    if w is None or sub is None:
        return None
    return [
        {
            "name": "sub-1",
            "subAccountUser": sub,
            "master": market.wallets.addresses[w],
            "clearinghouseState": clearinghouse_state(market.tape, None, now),
            "spotState": spot_balances(market, sub, now),
        }
    ]


def extra_agents(market: Market, user: str, now: int) -> list[dict]:
    """extraAgents: a market maker's API wallet, valid to the end of the next 90-day period."""
    w = market.wallets.index(user)
    address = None if w is None else agent(market, w)
    if address is None:
        return []
    period = 90 * DAY_MS
    return [{"name": "sim-bot", "address": address, "validUntil": (now // period + 2) * period}]

"""Vaults: the first two market makers (their clearinghouseState is the vault's book), led by the
first two whales; followers are retail wallets whose equity is a share of the vault's account value,
the same in vaultDetails and userVaultEquities."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator.accounts import VAULTS, account_value, draw
from hl_pipeline.simulator.hashing import stream_key, uniform
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.numbers import fmt_dec

LOCKUP_MS = 4 * DAY_MS
FOLLOWER_CHANCE = 0.003  # of each retail wallet following a vault


def vault_leader(market: Market, vault: int) -> int:
    """The whale leading a vault."""
    return market.wallets.n_makers + vault


def followers(market: Market, vault: int, now: int) -> tuple[float, list[dict]]:
    """(leader fraction, follower entries) of a vault at now: shares of its account value."""
    leader_fraction = 0.1 + 0.2 * draw(market, 37, vault)
    retail = np.asarray(market.wallets.of_kind("retail"), dtype=np.int64)
    members = retail[uniform(stream_key(market.config.seed, 38, vault), retail) < FOLLOWER_CHANCE].tolist()
    weights = (0.2 + uniform(stream_key(market.config.seed, 39, vault), members)).tolist()
    value = account_value(market, vault, now)
    rows = []
    for w, weight in zip(members, weights):
        equity = value * (1 - leader_fraction) * weight / sum(weights)
        entry = market.config.listing_ms + int(draw(market, 40, vault, w) * 30 * DAY_MS)
        pnl = equity * 0.1 * (draw(market, 41, vault, w) - 0.3)
        rows.append(
            {
                "user": market.wallets.addresses[w],
                "vaultEquity": fmt_dec(equity, 6),
                "pnl": fmt_dec(pnl, 6),
                "allTimePnl": fmt_dec(pnl, 6),
                "daysFollowing": max(0, (now - entry) // DAY_MS),
                "vaultEntryTime": entry,
                "lockupUntil": entry + LOCKUP_MS,
            }
        )
    return leader_fraction, rows


def vault_equities(market: Market, user: str, now: int) -> list[dict]:
    """userVaultEquities: the user's entries in every vault's followers."""
    rows = []
    for vault in VAULTS:
        for f in followers(market, vault, now)[1]:
            if f["user"] == user.lower():
                rows.append(
                    {
                        "vaultAddress": market.wallets.addresses[vault],
                        "equity": f["vaultEquity"],
                        "lockedUntilTimestamp": f["lockupUntil"],
                    }
                )
    return rows


def vault_details(market: Market, address: str, user: str | None, now: int, portfolio: list) -> dict | None:
    """vaultDetails of a vault address (null for any other address)."""
    vault = market.wallets.index(address)
    if vault is None or vault not in VAULTS:
        return None
    leader_fraction, rows = followers(market, vault, now)
    value = account_value(market, vault, now)
    mine = next((f for f in rows if user is not None and f["user"] == user.lower()), None)
    return {
        "name": f"Simulated Vault {vault + 1}",
        "vaultAddress": market.wallets.addresses[vault],
        "leader": market.wallets.addresses[vault_leader(market, vault)],
        "description": "A simulated market-making vault.",
        "portfolio": portfolio,
        "apr": round(0.2 * (draw(market, 42, vault) - 0.2), 6),
        "followerState": mine,
        "leaderFraction": round(leader_fraction, 6),
        "leaderCommission": 0.1,
        "followers": rows,
        "maxDistributable": round(value * 0.5, 6),
        "maxWithdrawable": round(value * 0.5, 6),
        "isClosed": False,
        "relationship": {"type": "normal"},
        "allowDeposits": True,
        "alwaysCloseOnWithdraw": False,
    }


def leading_vaults(market: Market, wallet: int | None) -> list[dict]:
    """The vaults a wallet leads (webData2 `leadingVaults`)."""
    return [
        {"address": market.wallets.addresses[v], "name": f"Simulated Vault {v + 1}"}
        for v in VAULTS
        if wallet == vault_leader(market, v)
    ]

"""WebSocket payloads of the per-user feeds and bbo, from the functions the info endpoint uses.

Snapshot feeds (userFundings, userNonFundingLedgerUpdates, userTwap*) open with `isSnapshot: true`;
userEvents (channel `user`) and orderUpdates send only what happens after the subscribe.
"""

from __future__ import annotations

from typing import Any

from hl_pipeline.exchange.intervals import DAY_MS
from hl_pipeline.simulator import accounts, ledger, orders, vaults
from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.clearinghouse import clearinghouse_state
from hl_pipeline.simulator.contexts import meta
from hl_pipeline.simulator.fills import aggregate_by_time
from hl_pipeline.simulator.infouser import active_asset_data
from hl_pipeline.simulator.market import Market

_LEDGER_SNAPSHOT_MS = 30 * DAY_MS


def fundings(market: Market, user: str, after: int, upto: int) -> list[dict]:
    """WsUserFunding rows (time, coin, usdc, szi, fundingRate, nSamples) with after < time <= upto."""
    w = market.wallets.index(user)
    if upto <= after:
        return []
    rows = ledger.funding_payments(market, w, after + 1, upto, market.config.funding_page)
    return [{"time": r["time"], **{k: v for k, v in r["delta"].items() if k != "type"}} for r in rows]


def ledger_rows(market: Market, user: str, after: int, upto: int) -> list[dict]:
    """Non-funding ledger updates with after < time <= upto."""
    w = market.wallets.index(user)
    return [] if upto <= after else ledger.ledger_updates(market, w, after + 1, upto)


def snapshot(market: Market, sub: dict, now: int) -> tuple[str, Any] | None:
    """The (channel, data) sent right after a subscribe, if the feed sends one."""
    kind, user = sub["type"], sub.get("user", "")
    if kind == "userFundings":
        return kind, {"isSnapshot": True, "user": user, "fundings": fundings(market, user, now - DAY_MS, now)}
    if kind == "userNonFundingLedgerUpdates":
        rows = ledger_rows(market, user, now - _LEDGER_SNAPSHOT_MS, now)
        return kind, {"isSnapshot": True, "user": user, "nonFundingLedgerUpdates": rows}
    if kind == "userTwapSliceFills":
        return kind, {"isSnapshot": True, "user": user, "twapSliceFills": []}
    if kind == "userTwapHistory":
        return kind, {"isSnapshot": True, "user": user, "history": []}
    return None


def web_data(market: Market, user: str, now: int) -> dict:
    """webData2: the account, its open orders, and the market's contexts at now."""
    w = market.wallets.index(user)
    agents = accounts.extra_agents(market, user, now)
    leading = vaults.leading_vaults(market, w)
    return {
        "clearinghouseState": clearinghouse_state(market.tape, w, now),
        "leadingVaults": leading,
        "totalVaultEquity": "0.0",
        "openOrders": [o.frontend(now) for o in orders.open_orders(market, w, now)],
        "agentAddress": agents[0]["address"] if agents else None,
        "agentValidUntil": agents[0]["validUntil"] if agents else None,
        "cumLedger": "0.0",
        "meta": meta(market.config),
        "assetCtxs": market.ctxs(now),
        "serverTime": now,
        "isVault": w in accounts.VAULTS,
        "user": user,
        "twapStates": [],
        "spotState": accounts.spot_balances(market, user, now),
        "spotAssetCtxs": market.spot_ctxs(now),
    }


def bbo(market: Market, coin_id: int, now: int) -> dict:
    """bbo data: the best bid and ask levels of the book at now."""
    spec = market.specs[coin_id]
    book = l2_book(market.config.seed, coin_id, spec, now, None, None)
    best = [side[0] if side else None for side in book["levels"]]
    return {"coin": spec.name, "time": book["time"], "bbo": best}


def fills(market: Market, sub: dict, rows: list[dict]) -> list[dict]:
    """userFills rows as the subscription asked (partial fills merged with aggregateByTime)."""
    if not sub.get("aggregateByTime"):
        return rows
    return aggregate_by_time(rows, {s.name: s.sz_decimals for s in market.config.coins})


def user_events(market: Market, user: str, new_fills: list[dict], after: int, upto: int) -> list[dict]:
    """userEvents messages (channel `user`) for (after, upto]: the new fills, then each funding payment."""
    out: list[dict] = [{"fills": new_fills}] if new_fills else []
    for row in fundings(market, user, after, upto):
        out.append({"funding": {k: row[k] for k in ("time", "coin", "usdc", "szi", "fundingRate")}})
    return out


def asset_data(market: Market, sub: dict, now: int) -> dict:
    """activeAssetData at now."""
    return active_asset_data(market, sub["user"], sub["coin"], now)


def order_updates(market: Market, user: str, after: int, upto: int) -> list[dict]:
    """orderUpdates data: the wallet's order placements, fills and cancels in (after, upto]."""
    w = market.wallets.index(user)
    return [] if w is None or upto <= after else orders.order_events(market, w, after, upto)

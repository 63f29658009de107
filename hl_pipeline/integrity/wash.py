"""Wash trading from address-level trades: rings of addresses that trade back and forth among
themselves, end flat, and do little else (Victor & Weintraud 2021's layered strongly connected
components with a net-position margin; reference/wallets-and-integrity.md section 3).

Per coin-day: keep address pairs that traded at least `min_pair_trades` times, take the strongly
connected components of the seller -> buyer graph on them, and accept a component when every member's
net position inside it is within `max_net` of its gross volume there and at least `min_share` of the
member's volume that day is inside it; otherwise drop the worst member and try the rest again."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pandas as pd

from hl_pipeline.integrity.events import Event, epoch_ms

TYPE = "wash"


@dataclasses.dataclass(frozen=True)
class WashParams:
    """Declared parameters (recorded with every event)."""

    min_pair_trades: int = 6
    max_net: float = 0.05  # |bought - sold| / (bought + sold) inside the ring, per member
    min_share: float = 0.5  # the member's volume inside the ring over its volume that day
    max_size_cv: float = 0.1  # spread of the ring's trade sizes (notional)


def wash_events(trades: pd.DataFrame, params: WashParams = WashParams()) -> list[Event]:
    """Wash rings in one coin-day of trades (columns time, px, sz, buyer, seller)."""
    if trades.empty:
        return []
    df = pd.DataFrame(
        {
            "t": epoch_ms(trades["time"]),
            "usd": trades["px"].to_numpy(float) * trades["sz"].to_numpy(float),
            "buyer": trades["buyer"].to_numpy(),
            "seller": trades["seller"].to_numpy(),
        }
    )
    df = df[df["buyer"] != df["seller"]]
    total = (
        pd.concat([df.groupby("buyer")["usd"].sum(), df.groupby("seller")["usd"].sum()])
        .groupby(level=0)
        .sum()
    )
    lo, hi = np.minimum(df["buyer"], df["seller"]), np.maximum(df["buyer"], df["seller"])
    pair_n = df.groupby([lo, hi])["usd"].transform("size")
    close = df[pair_n.to_numpy() >= params.min_pair_trades]
    graph = nx.DiGraph()
    graph.add_edges_from(zip(close["seller"], close["buyer"]))
    out = []
    for comp in nx.strongly_connected_components(graph):
        out += _layered(close, set(comp), total, params)
    return out


def _layered(close: pd.DataFrame, members: set[str], total: pd.Series, params: WashParams) -> list[Event]:
    while len(members) >= 2:
        inside = close[close["buyer"].isin(members) & close["seller"].isin(members)]
        bought = inside.groupby("buyer")["usd"].sum().reindex(sorted(members), fill_value=0.0)
        sold = inside.groupby("seller")["usd"].sum().reindex(sorted(members), fill_value=0.0)
        gross = bought + sold
        net = (bought - sold).abs() / gross.where(gross > 0, np.nan)
        share = gross / total.reindex(gross.index)
        bad = (net > params.max_net) | (share < params.min_share) | gross.eq(0)
        if not bad.any():
            return [_event(inside, net, share, params)]
        worst = (net.fillna(1.0) / params.max_net + params.min_share / share.fillna(1e-9)).idxmax()
        members = members - {worst}
        graph = nx.DiGraph()
        graph.add_edges_from(
            zip(
                *(
                    inside.loc[inside["buyer"].isin(members) & inside["seller"].isin(members), c]
                    for c in ("seller", "buyer")
                )
            )
        )
        comps = [c for c in nx.strongly_connected_components(graph) if len(c) >= 2]
        return [e for c in comps for e in _layered(close, set(c), total, params)]
    return []


def _event(inside: pd.DataFrame, net: pd.Series, share: pd.Series, params: WashParams) -> Event:
    usd = inside["usd"].to_numpy()
    cv = float(usd.std() / usd.mean()) if len(usd) > 1 else 0.0
    score = (
        0.4 * (1.0 - float(net.max()) / params.max_net)
        + 0.3 * float(share.min())
        + 0.3 * max(0.0, 1.0 - cv / params.max_size_cv)
    )
    return Event(
        TYPE,
        int(inside["t"].min()),
        int(inside["t"].max()),
        round(score, 4),
        float(usd.sum()),
        tuple(sorted(net.index)),
        {
            "trades": len(inside),
            "kind": "pair" if len(net) == 2 else f"cycle of {len(net)}",
            "max_net_ratio": float(net.max()),
            "min_share": float(share.min()),
            "size_cv": cv,
            "params": dataclasses.asdict(params),
        },
    )

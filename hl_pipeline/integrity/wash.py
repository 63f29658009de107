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
    codes, names = pd.factorize(np.concatenate([trades["buyer"].to_numpy(), trades["seller"].to_numpy()]))
    buyer, seller = codes[: len(trades)], codes[len(trades) :]
    keep = buyer != seller
    t = Day(
        epoch_ms(trades["time"])[keep],
        (trades["px"].to_numpy(float) * trades["sz"].to_numpy(float))[keep],
        buyer[keep],
        seller[keep],
        names,
    )
    total = np.bincount(t.buyer, t.usd, len(names)) + np.bincount(t.seller, t.usd, len(names))
    lo, hi = np.minimum(t.buyer, t.seller), np.maximum(t.buyer, t.seller)
    pair = lo.astype(np.int64) * len(names) + hi
    _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    close = t.take(counts[inverse] >= params.min_pair_trades)
    return [e for comp in _components(close, None) for e in _layered(close, comp, total, params)]


@dataclasses.dataclass(frozen=True)
class Day:
    """Trades as integer-coded columns (addresses are `names[code]`)."""

    t: np.ndarray
    usd: np.ndarray
    buyer: np.ndarray
    seller: np.ndarray
    names: np.ndarray

    def take(self, mask: np.ndarray) -> Day:
        return Day(self.t[mask], self.usd[mask], self.buyer[mask], self.seller[mask], self.names)


def _components(day: Day, members: np.ndarray | None) -> list[np.ndarray]:
    """Strongly connected components (>= 2 members) of the seller -> buyer graph among `members`."""
    if members is not None:
        day = day.take(np.isin(day.buyer, members) & np.isin(day.seller, members))
    graph = nx.DiGraph()
    graph.add_edges_from(zip(day.seller.tolist(), day.buyer.tolist()))
    return [np.asarray(sorted(c)) for c in nx.strongly_connected_components(graph) if len(c) >= 2]


def _layered(close: Day, members: np.ndarray, total: np.ndarray, params: WashParams) -> list[Event]:
    """Accept the component, or drop every member that fails and try what is left."""
    inside = close.take(np.isin(close.buyer, members) & np.isin(close.seller, members))
    n = len(total)
    bought, sold = (
        np.bincount(inside.buyer, inside.usd, n)[members],
        np.bincount(inside.seller, inside.usd, n)[members],
    )
    gross = bought + sold
    net = np.abs(bought - sold) / np.where(gross > 0, gross, np.nan)
    share = gross / total[members]
    bad = ~((net <= params.max_net) & (share >= params.min_share))
    if not bad.any():
        return [_event(inside, members, net, share, params)]
    rest = members[~bad]
    if len(rest) < 2:
        return []
    return [e for comp in _components(inside, rest) for e in _layered(close, comp, total, params)]


def _event(inside: Day, members: np.ndarray, net: np.ndarray, share: np.ndarray, params: WashParams) -> Event:
    usd = inside.usd
    cv = float(usd.std() / usd.mean()) if len(usd) > 1 else 0.0
    score = (
        0.4 * (1.0 - float(net.max()) / params.max_net)
        + 0.3 * float(share.min())
        + 0.3 * max(0.0, 1.0 - cv / params.max_size_cv)
    )
    return Event(
        TYPE,
        int(inside.t.min()),
        int(inside.t.max()),
        round(score, 4),
        float(usd.sum()),
        tuple(sorted(str(a) for a in inside.names[members])),
        {
            "trades": len(usd),
            "kind": "pair" if len(members) == 2 else f"cycle of {len(members)}",
            "max_net_ratio": float(net.max()),
            "min_share": float(share.min()),
            "size_cv": cv,
            "params": dataclasses.asdict(params),
        },
    )

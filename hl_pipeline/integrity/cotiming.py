"""Linked-address clusters by co-timing: addresses whose taker orders (a swept order's parts, which
share time, side and taker, count once) land within `within_ms` of each other, on the same side,
far more often than their own timing explains (reference/wallets-and-integrity.md section 3.3:
co-activity of accounts run by one hand; the Jaccard of their active 1 s buckets is reported).

Per coin-day and pair of addresses: the co-timed orders, and the number expected if the two were
independent, each keeping its own second-of-minute profile (so two bots on the same clock second,
which coincide every beat, are expected to coincide): sum over the seconds s of the minute of
n_a(s) x n_b(s - 1..s + 1) / minutes. A pair is linked with co-timed orders in at least
`min_cotimed` distinct `block_min`-minute blocks, `min_ratio` times the expected, and
`min_same_side` of them on one side (independent traders split about evenly). Linked pairs join
into clusters (connected components); each is one event."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pandas as pd

from hl_pipeline.exchange.intervals import MINUTE_MS
from hl_pipeline.integrity.events import Event, taker_orders

TYPE = "linked_cluster"


@dataclasses.dataclass(frozen=True)
class CoTimingParams:
    """Declared parameters (recorded with every event)."""

    within_ms: int = 1_000
    min_cotimed: int = 5  # co-timed in at least this many distinct blocks of block_min minutes
    block_min: int = 10  # (a burst of activity crowds orders together without linking anyone)
    min_ratio: float = 50.0  # co-timed orders over the expected
    min_same_side: float = 0.8


def _cotimed(orders: pd.DataFrame, within_ms: int) -> pd.DataFrame:
    """Every pair of orders of different takers at most `within_ms` apart: (i, j) with i before j."""
    t = orders["time"].to_numpy()
    taker = pd.factorize(orders["taker"])[0]
    pairs = []
    for lag in range(1, len(t)):
        near = t[lag:] - t[:-lag] <= within_ms
        if not near.any():
            break
        i = np.flatnonzero(near)
        pairs.append(np.stack([i, i + lag], axis=1)[taker[i] != taker[i + lag]])
    ij = np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)
    return pd.DataFrame({"i": ij[:, 0], "j": ij[:, 1]})


def _expected(orders: pd.DataFrame, a: str, b: str, minutes: float) -> float:
    """Co-timed orders of a and b expected from their second-of-minute profiles alone."""
    second = (orders["time"].to_numpy() % MINUTE_MS) // 1000
    counts = [
        np.bincount(second[orders["taker"].to_numpy() == x], minlength=60).astype(float) for x in (a, b)
    ]
    near_b = sum(np.roll(counts[1], k) for k in (-1, 0, 1))
    return float(counts[0] @ near_b) / minutes


def _jaccard(orders: pd.DataFrame, a: str, b: str) -> float:
    """Jaccard of the 1 s buckets in which a and b took orders."""
    buckets = [
        set((orders["time"].to_numpy()[orders["taker"].to_numpy() == x] // 1000).tolist()) for x in (a, b)
    ]
    return len(buckets[0] & buckets[1]) / len(buckets[0] | buckets[1])


def cotiming_events(trades: pd.DataFrame, params: CoTimingParams = CoTimingParams()) -> list[Event]:
    """Linked clusters in one coin-day of trades (columns time, px, sz, side, buyer, seller)."""
    if trades.empty:
        return []
    orders = taker_orders(trades)
    pairs = _cotimed(orders, params.within_ms)
    if pairs.empty:
        return []
    takers = orders["taker"].to_numpy()
    a, b = takers[pairs["i"]], takers[pairs["j"]]
    first, second = np.where(a < b, a, b), np.where(a < b, b, a)
    same = orders["buy"].to_numpy()[pairs["i"]] == orders["buy"].to_numpy()[pairs["j"]]
    block = orders["time"].to_numpy()[pairs["i"]] // (params.block_min * MINUTE_MS)
    stats = (
        pd.DataFrame({"a": first, "b": second, "same": same, "block": block})
        .groupby(["a", "b"], sort=False)
        .agg(size=("same", "size"), mean=("same", "mean"), blocks=("block", "nunique"))
    )
    stats = stats[(stats["blocks"] >= params.min_cotimed) & (stats["mean"] >= params.min_same_side)]
    minutes = max(1.0, (orders["time"].max() - orders["time"].min()) / MINUTE_MS)
    graph = nx.Graph()
    evidence: dict[tuple[str, str], dict] = {}
    for (x, y), row in stats.iterrows():
        expected = _expected(orders, x, y, minutes)
        if row["size"] >= params.min_ratio * expected:
            graph.add_edge(x, y)
            evidence[(x, y)] = {
                "cotimed": int(row["size"]),
                "blocks": int(row["blocks"]),
                "expected": expected,
                "same_side": float(row["mean"]),
                "jaccard_1s": _jaccard(orders, x, y),
            }
    out = []
    for members in nx.connected_components(graph):
        addresses = tuple(sorted(members))
        hit = pairs[np.isin(a, addresses) & np.isin(b, addresses)]
        idx = np.unique(hit.to_numpy())
        links = [{"pair": list(k), **v} for k, v in evidence.items() if k[0] in members]
        out.append(
            Event(
                TYPE,
                int(orders["time"].iloc[idx].min()),
                int(orders["time"].iloc[idx].max()),
                round(float(min(1.0, min(link["blocks"] for link in links) / (2 * params.min_cotimed))), 4),
                float(orders["usd"].iloc[idx].sum()),
                addresses,
                {"pairs": links, "orders": int(idx.size), "params": dataclasses.asdict(params)},
            )
        )
    return out

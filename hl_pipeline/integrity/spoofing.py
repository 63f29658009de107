"""Spoofing from L2 book snapshots: a level near the touch many times its usual size (the rolling
median of the same level over the neighbouring snapshots) that appears, rests briefly and vanishes
without trades at its price (reference/wallets-and-integrity.md section 4, the L2-only detector).
The book carries no identity, so events name no addresses; the taker flow on both sides from the
snapshot before the level appeared to `after_ms` after its last is recorded as evidence of
exploitation, with the largest takers on the side opposite the spoof (a spoofer trades against its
own fake interest: sells into the bids its spoofed bid drew). `name_spoofers` then names, across a
day's coins, an opposite taker who recurs against several spoofs: the suspected spoofer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from hl_pipeline.integrity.events import Event, epoch_ms

TYPE = "spoof"
OPPOSITE_SHOWN = 3


@dataclasses.dataclass(frozen=True)
class SpoofParams:
    """Declared parameters (recorded with every event)."""

    size_x: float = 12.0  # the level's size over the same level's rolling median size
    baseline_snapshots: int = 101  # the centred window of that median, in snapshots
    gap_snapshots: int = 2  # a level missing from this many snapshots in a row is still one episode
    near_levels: int = 5  # counted from the touch (level 0)
    max_bps: float = 50.0  # the level's distance from the touch
    max_life_ms: int = 10_000  # seen from first to last snapshot at most this long
    after_ms: int = 5_000  # taker flow is summed over the life and this long after
    repeat_spoofs: int = 2  # an opposite taker of this many of a day's spoofs (any coins) is named


def spoof_events(
    books: pd.DataFrame, trades: pd.DataFrame, params: SpoofParams = SpoofParams()
) -> list[Event]:
    """Spoof episodes in one coin-day of book snapshots (time, side, level, px, sz) and trades
    (time, px, sz, side)."""
    if books.empty:
        return []
    t_trade = epoch_ms(trades["time"]) if len(trades) else np.empty(0, np.int64)
    out = []
    for side in ("bid", "ask"):
        rows = books[books["side"] == side]
        if rows.empty:
            continue
        t = epoch_ms(rows["time"])
        times, row = np.unique(t, return_inverse=True)
        lvl = rows["level"].to_numpy(np.int64)
        width = int(lvl.max()) + 1
        size = np.full((len(times), width), np.nan)
        price = np.full((len(times), width), np.nan)
        size[row, lvl], price[row, lvl] = rows["sz"].to_numpy(float), rows["px"].to_numpy(float)
        usual = pd.DataFrame(size[:, : params.near_levels]).rolling(
            params.baseline_snapshots, center=True, min_periods=params.baseline_snapshots // 10
        )
        ratio = size[:, : params.near_levels] / usual.median().to_numpy()
        dist = np.abs(price[:, : params.near_levels] / price[:, :1] - 1.0) * 1e4
        ratio = np.where(dist <= params.max_bps, ratio, 0.0)
        big = np.nan_to_num(ratio).max(axis=1) >= params.size_x
        idx = np.flatnonzero(big)
        if not idx.size:
            continue
        for run in np.split(idx, np.flatnonzero(np.diff(idx) > params.gap_snapshots + 1) + 1):
            i, j = int(run[0]), int(run[-1])
            if i == 0 or j == len(times) - 1:
                continue  # not seen appearing and vanishing
            life = int(times[j] - times[i])
            if life > params.max_life_ms:
                continue
            level = int(np.nanargmax(ratio[i]))
            px = float(price[i, level])
            window = (t_trade >= times[i - 1]) & (t_trade <= times[j + 1])
            tr_px = trades["px"].to_numpy(float)[window] if window.any() else np.empty(0)
            filled = int(np.sum(tr_px <= px) if side == "bid" else np.sum(tr_px >= px))
            if filled:
                continue
            after = (t_trade > times[i - 1]) & (t_trade <= times[j] + params.after_ms)
            flow = trades.loc[after] if after.any() else trades.iloc[:0]
            usd = flow["px"].to_numpy(float) * flow["sz"].to_numpy(float)
            buys = float(usd[flow["side"].to_numpy() == "B"].sum())
            sells = float(usd.sum() - buys)
            peak = float(np.nanmax(ratio[i : j + 1]))
            out.append(
                Event(
                    TYPE,
                    int(times[i]),
                    int(times[j]),
                    round(min(1.0, peak / (2 * params.size_x)), 4),
                    float(px * np.nanmax(size[i : j + 1, level])),
                    evidence={
                        "side": side,
                        "level": level,
                        "px": px,
                        "size_x_usual": peak,
                        "snapshots": j - i + 1,
                        "life_ms": [life, int(times[j + 1] - times[i - 1])],
                        "taker_buy_usd": buys,
                        "taker_sell_usd": sells,
                        "opposite_takers": _opposite_takers(flow, side),
                        "params": dataclasses.asdict(params),
                    },
                )
            )
    return out


def _opposite_takers(flow: pd.DataFrame, side: str) -> list[list]:
    """The takers on the side opposite the spoof (sellers against a spoofed bid) in its window, as
    [address, USD], largest first (at most OPPOSITE_SHOWN; none when the trades carry no addresses)."""
    if not {"buyer", "seller"} <= set(flow.columns) or flow.empty:
        return []
    sell = side == "bid"
    mine = flow[flow["side"].to_numpy() == ("A" if sell else "B")]
    usd = (mine["px"] * mine["sz"]).groupby(mine["seller" if sell else "buyer"].to_numpy()).sum()
    return [[str(a), float(v)] for a, v in usd.sort_values(ascending=False).head(OPPOSITE_SHOWN).items()]


def name_spoofers(
    events_by_coin: dict[str, list[Event]], params: SpoofParams = SpoofParams()
) -> dict[str, list[Event]]:
    """The day's spoof events with their suspected spoofer: the first shown opposite taker that is an
    opposite taker of at least `repeat_spoofs` of the day's spoofs on any coins, as the event's
    address and evidence `spoofer` {address, spoofs_today}; other events are returned unchanged."""
    seen: dict[str, int] = {}
    for events in events_by_coin.values():
        for e in events:
            for address in {a for a, _ in e.evidence.get("opposite_takers", [])}:
                seen[address] = seen.get(address, 0) + 1

    def named(e: Event) -> Event:
        for address, _ in e.evidence.get("opposite_takers", []):
            if seen[address] >= params.repeat_spoofs:
                spoofer = {"address": address, "spoofs_today": seen[address]}
                return dataclasses.replace(
                    e, addresses=(address,), evidence={**e.evidence, "spoofer": spoofer}
                )
        return e

    return {coin: [named(e) for e in events] for coin, events in events_by_coin.items()}

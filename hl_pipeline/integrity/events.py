"""One detected event, the frame the detectors return, and time columns as epoch ms."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pandas as pd

COLUMNS = ["type", "time", "end_time", "addresses", "volume_usd", "score", "evidence"]


@dataclasses.dataclass(frozen=True)
class Event:
    """A detected episode: its type, window [start_ms, end_ms], the addresses behind it (none when
    the data carries no identity), the notional involved, a score in [0, 1] and the evidence."""

    type: str
    start_ms: int
    end_ms: int
    score: float
    volume_usd: float = 0.0
    addresses: tuple[str, ...] = ()
    evidence: dict[str, Any] = dataclasses.field(default_factory=dict)


def to_frame(events: list[Event]) -> pd.DataFrame:
    """Events as the lake's event columns (times as UTC timestamps, evidence as JSON), by start."""
    events = sorted(events, key=lambda e: (e.start_ms, e.type))
    return pd.DataFrame(
        {
            "type": pd.Series([e.type for e in events], dtype=object),
            "time": pd.to_datetime([e.start_ms for e in events], unit="ms", utc=True),
            "end_time": pd.to_datetime([e.end_ms for e in events], unit="ms", utc=True),
            "addresses": pd.Series([list(e.addresses) for e in events], dtype=object),
            "volume_usd": pd.Series([float(e.volume_usd) for e in events], dtype=float),
            "score": pd.Series([float(e.score) for e in events], dtype=float),
            "evidence": pd.Series(
                [json.dumps(_plain(e.evidence), sort_keys=True) for e in events], dtype=object
            ),
        },
        columns=COLUMNS,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    return round(value, 6) if isinstance(value, float) else value


def epoch_ms(values: pd.Series) -> np.ndarray:
    """A time column (epoch ms integers or timestamps of any unit) as int64 epoch ms."""
    if pd.api.types.is_integer_dtype(values):
        return values.to_numpy(np.int64)
    stamps = pd.to_datetime(values, utc=True)
    return ((stamps - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(1, "ms")).to_numpy(np.int64)


def taker_orders(trades: pd.DataFrame) -> pd.DataFrame:
    """The day's taker orders by time: the prints one taker (the buyer of a buy, the seller of a
    sell) makes at one time on one side are one order; columns time (epoch ms), buy, taker, usd."""
    side = trades["side"].to_numpy()
    taker = np.where(side == "B", trades["buyer"].to_numpy(), trades["seller"].to_numpy())
    usd = trades["px"].to_numpy(float) * trades["sz"].to_numpy(float)
    frame = pd.DataFrame({"time": epoch_ms(trades["time"]), "buy": side == "B", "taker": taker, "usd": usd})
    orders = frame.groupby(["time", "buy", "taker"], sort=False, as_index=False)["usd"].sum()
    return orders.sort_values("time", kind="stable").reset_index(drop=True)

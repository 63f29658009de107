"""Event-level scoring against planted truth (reference/wallets-and-integrity.md section 6): a
detection matches a planted episode of the same type and coin when their windows overlap after
widening by the tolerance; matching is one-to-one, greedy by overlap; the rest are false alarms and
misses."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

MIN_TOLERANCE_MS = 60_000


@dataclasses.dataclass(frozen=True)
class Window:
    type: str
    coin: str
    start_ms: int
    end_ms: int


@dataclasses.dataclass(frozen=True)
class Score:
    type: str
    planted: int
    detected: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.detected if self.detected else float("nan")

    @property
    def recall(self) -> float:
        return self.matched / self.planted if self.planted else float("nan")


def tolerance_ms(w: Window) -> int:
    """max(60 s, half the episode's length)."""
    return max(MIN_TOLERANCE_MS, (w.end_ms - w.start_ms) // 2)


def match(truth: Iterable[Window], found: Iterable[Window]) -> list[tuple[Window, Window]]:
    """One-to-one pairs (planted, detected), the largest widened overlaps first."""
    truth, found = list(truth), list(found)
    pairs = []
    for i, p in enumerate(truth):
        tol = tolerance_ms(p)
        for j, d in enumerate(found):
            if p.type != d.type or p.coin != d.coin:
                continue
            overlap = min(p.end_ms + tol, d.end_ms) - max(p.start_ms - tol, d.start_ms)
            if overlap >= 0:
                pairs.append((overlap, i, j))
    used_t, used_f, out = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_t and j not in used_f:
            used_t.add(i)
            used_f.add(j)
            out.append((truth[i], found[j]))
    return out


def scores(truth: list[Window], found: list[Window], types: Iterable[str]) -> list[Score]:
    """Planted, detected and matched counts per type."""
    matched = match(truth, found)
    return [
        Score(
            t,
            sum(w.type == t for w in truth),
            sum(w.type == t for w in found),
            sum(p.type == t for p, _ in matched),
        )
        for t in types
    ]

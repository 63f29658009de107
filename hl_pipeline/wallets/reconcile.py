"""Positions rebuilt from fills against the exchange's own `clearinghouseState`.

The exchange serves positions at the present only, so a day can be reconciled while it is today:
the rebuilt position at the partition's time, rolled forward by the wallet's fills since, must equal
the served `szi` for every tracked wallet and coin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.reader import read_manifest, read_partition
from hl_pipeline.wallets.positions import SIZE_DIGITS


@dataclass(frozen=True)
class Mismatch:
    user: str
    coin: str
    rebuilt: float  # rolled forward to now
    served: float

    def __str__(self) -> str:
        return (
            f"{self.user} {self.coin}: rebuilt {self.rebuilt:g}, served {self.served:g} "
            f"(differ by {self.served - self.rebuilt:g})"
        )


@dataclass(frozen=True)
class Reconciled:
    checked: int  # (wallet, coin) pairs compared
    mismatches: list[Mismatch]
    unshown: int  # carried positions without a fill that day the exchange no longer shows: not compared


def reconcile(client: InfoClient, root: Path, date: str, coins: list[str], now_ms: int) -> Reconciled:
    """Every tracked wallet of `date` x `coins`: rebuilt size at the partition's time plus the fills
    since, against clearinghouseState now."""
    wallets = read_partition(root, "wallets", date)
    manifest = read_manifest(root, "wallet_positions", date, coins[0]) if coins else None
    if wallets is None or manifest is None:
        return Reconciled(0, [], 0)
    as_of = int(
        dt.datetime.fromisoformat(manifest.details["as_of"].replace("Z", "+00:00")).timestamp() * 1000
    )
    rebuilt: dict[tuple[str, str], tuple[float, int]] = {}
    for coin in coins:
        part = read_partition(root, "wallet_positions", date, coin)
        if part is None:
            continue
        for user, size, fills in zip(*(part.column(c).to_pylist() for c in ("user", "size", "fills"))):
            rebuilt[(user, coin)] = (size, fills)
    mismatches, checked, unshown = [], 0, 0
    for user in wallets.column("user").to_pylist():
        served = {p.coin: p.szi for p in client.clearinghouse_state(user).positions}
        later = client.user_fills_by_time(user, as_of, now_ms) if now_ms > as_of else []
        for coin in coins:
            size, fills = rebuilt.get((user, coin), (0.0, 0))
            size += sum((f.sz if f.side == "B" else -f.sz) for f in later if f.coin == coin)
            if fills == 0 and coin not in served and round(size, SIZE_DIGITS - 2) != 0:
                unshown += 1  # carried from an earlier day; closed by fills the day's view does not hold
                continue
            checked += 1
            if round(size - served.get(coin, 0.0), SIZE_DIGITS - 2) != 0:
                mismatches.append(Mismatch(user, coin, round(size, SIZE_DIGITS), served.get(coin, 0.0)))
    return Reconciled(checked, mismatches, unshown)

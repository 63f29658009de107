"""Positions rebuilt from fills against the exchange's own `clearinghouseState`.

The exchange serves positions at the present only, so a day can be reconciled while it is today:
the rebuilt position at the partition's time, rolled forward by the wallet's fills since, must equal
the served `szi` for every tracked wallet and coin."""

from __future__ import annotations

from dataclasses import dataclass

from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.calendar import ms_of_iso
from hl_pipeline.lake.reader import read_manifest, read_partition
from hl_pipeline.lake.storage import Location
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
    unseen: int  # held positions of pairs with no fill in the lake: opened before its first day, not compared


def reconcile(client: InfoClient, root: Location, date: str, coins: list[str], now_ms: int) -> Reconciled:
    """Every tracked wallet of `date` x `coins` the lake has a position for: rebuilt size at the
    partition's time plus the fills since, against clearinghouseState now. A pair the lake never saw
    a fill of is not rebuilt, so a position the exchange serves for it is counted, not compared."""
    wallets = read_partition(root, "wallets", date)
    manifest = read_manifest(root, "wallet_positions", date, coins[0]) if coins else None
    if wallets is None or manifest is None:
        return Reconciled(0, [], 0)
    as_of = ms_of_iso(manifest.details["as_of"])
    rebuilt: dict[tuple[str, str], float] = {}
    for coin in coins:
        part = read_partition(root, "wallet_positions", date, coin)
        if part is not None:
            for user, size in zip(part.column("user").to_pylist(), part.column("size").to_pylist()):
                rebuilt[(user, coin)] = size
    mismatches, checked, unseen = [], 0, 0
    for user in wallets.column("user").to_pylist():
        served = {p.coin: p.szi for p in client.clearinghouse_state(user).positions}
        later = client.user_fills_by_time(user, as_of, now_ms) if now_ms > as_of else []
        for coin in coins:
            if (user, coin) not in rebuilt:
                unseen += coin in served
                continue
            size = rebuilt[(user, coin)] + sum(
                (f.sz if f.side == "B" else -f.sz) for f in later if f.coin == coin
            )
            checked += 1
            if round(size - served.get(coin, 0.0), SIZE_DIGITS - 2) != 0:
                mismatches.append(Mismatch(user, coin, round(size, SIZE_DIGITS), served.get(coin, 0.0)))
    return Reconciled(checked, mismatches, unseen)

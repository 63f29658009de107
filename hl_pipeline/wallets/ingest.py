"""Daily wallet partitions: the tracked set from the day's trades, every fill of each tracked wallet
(`userFillsByTime`, paged) per coin, and each wallet's position per coin rebuilt from its fills."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.errors import ConfigError
from hl_pipeline.exchange.account_payloads import Fill
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.exchange.records import to_wire
from hl_pipeline.lake.calendar import day_start_ms, iso_ms, ms_of_iso, observed_end_ms, shift
from hl_pipeline.lake.manifest import Manifest
from hl_pipeline.lake.reader import read_manifest, read_partition, read_range
from hl_pipeline.lake.schemas import WALLET_FILLS, WALLET_POSITIONS
from hl_pipeline.lake.storage import Location
from hl_pipeline.lake.tables import dedupe_sorted
from hl_pipeline.lake.writer import write_partition
from hl_pipeline.wallets.positions import Held, replay
from hl_pipeline.wallets.tracked import tracked

Log = Callable[[str], None]
REACHABLE_FILLS = 10_000  # userFillsByTime serves only a wallet's 10,000 most recent fills


def check_configured(client: InfoClient, configured: tuple[str, ...]) -> None:
    """ConfigError naming every configured wallet the exchange does not know (userRole `missing`),
    raised before anything is written."""
    unknown = [user for user in configured if client.user_role(user).role == "missing"]
    if unknown:
        raise ConfigError(
            f"unknown wallet(s) in HL_WALLETS: {', '.join(unknown)} (the exchange's userRole says missing)"
        )


def ingest_wallets(
    root: Location, coins: list[str], date: str, now_ms: int, configured: tuple[str, ...], cap: int, log: Log
) -> Manifest:
    """The tracked wallets of `date`, from its `trades` partitions of `coins`."""
    trades = read_range(root, "trades", [date], coins, columns=["px", "sz", "side", "buyer", "seller"])
    end = observed_end_ms(date, now_ms)
    table = tracked(trades.to_pandas(), configured, cap, end)
    reasons = {
        r: int(n) for r, n in zip(*np.unique(table.column("reason").to_numpy(False), return_counts=True))
    }
    manifest = Manifest.for_table(
        "wallets",
        date,
        None,
        table,
        f"the day's trades of {len(coins)} coin(s) and HL_WALLETS",
        details={"reasons": reasons, "cap": cap, "trades_read": trades.num_rows},
    )
    write_partition(root, table, manifest)
    log(f"wallets {date}: {table.num_rows} tracked ({', '.join(f'{n} {r}' for r, n in reasons.items())})")
    return manifest


def _rows(user: str, fills: list[Fill], ingest: dt.datetime) -> list[dict]:
    return [
        {
            "coin": f.coin,
            "user": user,
            "time": f.time,
            "px": f.px,
            "sz": f.sz,
            "side": f.side,
            "dir": f.dir,
            "start_position": f.start_position,
            "closed_pnl": f.closed_pnl,
            "fee": f.fee,
            "fee_token": f.fee_token,
            "builder_fee": f.builder_fee,
            "crossed": f.crossed,
            "hash": f.hash,
            "oid": f.oid,
            "tid": f.tid,
            "cloid": f.cloid,
            "twap_id": f.twap_id,
            "liquidation": None if f.liquidation is None else json.dumps(to_wire(f.liquidation)),
            "ingest_time": ingest,
        }
        for f in fills
    ]


def ingest_wallet_fills(
    client: InfoClient, root: Location, coins: list[str], date: str, now_ms: int, log: Log
) -> list[Manifest]:
    """Every fill in `date` of each wallet tracked that day, one partition per coin of `coins`."""
    users = read_partition(root, "wallets", date)
    tracked_users = [] if users is None else users.column("user").to_pylist()
    start, end = day_start_ms(date), observed_end_ms(date, now_ms)
    ingest = dt.datetime.now(dt.UTC)
    rows: list[dict] = []
    capped, elsewhere = [], 0
    for user in tracked_users:
        fills = client.user_fills_by_time(user, start, end - 1)
        if len(fills) >= REACHABLE_FILLS:
            capped.append(user)
        kept = [f for f in fills if f.coin in coins]
        elsewhere += len(fills) - len(kept)
        rows += _rows(user, kept, ingest)
    table = pa.Table.from_pylist(rows, schema=WALLET_FILLS)
    manifests = []
    for coin in coins:
        part, dropped = dedupe_sorted(
            table.filter(pc.equal(table.column("coin"), coin)), ["user", "time", "tid", "hash"]
        )
        part = part.sort_by([("time", "ascending"), ("user", "ascending")])
        manifest = Manifest.for_table(
            "wallet_fills",
            date,
            coin,
            part,
            "hyperliquid info userFillsByTime",
            duplicates_dropped=dropped,
            ingest_time=ingest.isoformat(),
            coverage={
                "wallets": len(tracked_users),
                "expected_start": iso_ms(start),
                "expected_end": iso_ms(end),
                # a wallet past the cap may have older fills of the day that no request reaches
                "capped_wallets": capped,
                "fills_of_other_coins": elsewhere,
            },
            unavailable=[
                {
                    "reason": f"userFillsByTime reaches only the {REACHABLE_FILLS:,} most recent fills",
                    "wallets": capped,
                }
            ]
            if capped
            else [],
        )
        write_partition(root, part, manifest)
        manifests.append(manifest)
    log(f"wallet fills {date}: {table.num_rows} fills of {len(tracked_users)} wallet(s)")
    return manifests


def _previous(root: Location, date: str, coin: str) -> dict[str, Held]:
    before = read_partition(root, "wallet_positions", shift(date, -1), coin)
    if before is None:
        return {}
    return {
        u: Held(s, e)
        for u, s, e in zip(*(before.column(c).to_pylist() for c in ("user", "size", "entry_px")))
    }


def ingest_wallet_positions(
    root: Location, coins: list[str], date: str, now_ms: int, log: Log
) -> list[Manifest]:
    """Each tracked wallet's position per coin at the end of `date` (for today: the time its fills
    were fetched up to), from its fills and the day before's position."""
    manifests = []
    for coin in coins:
        fetched = read_manifest(root, "wallet_fills", date, coin)
        covered = None if fetched is None else fetched.coverage.get("expected_end")
        end = observed_end_ms(date, now_ms) if covered is None else ms_of_iso(covered)
        fills = read_partition(root, "wallet_fills", date, coin)
        frame = WALLET_FILLS.empty_table().to_pandas() if fills is None else fills.to_pandas()
        previous = _previous(root, date, coin)
        by_user = frame.groupby("user").indices
        rows = []
        for user in sorted(set(by_user) | set(previous)):
            mine = frame.iloc[by_user.get(user, [])]
            signed = np.where(mine["side"] == "B", 1.0, -1.0) * mine["sz"].to_numpy()
            held = replay(
                previous.get(user), mine["start_position"].to_numpy(), signed, mine["px"].to_numpy()
            )
            notional = (mine["px"] * mine["sz"]).to_numpy()
            rows.append(
                {
                    "coin": coin,
                    "user": user,
                    "time": end,
                    "size": held.size,
                    "entry_px": held.entry_px,
                    "fills": len(mine),
                    "volume_usd": float(notional.sum()),
                    "closed_pnl": float(mine["closed_pnl"].sum()),
                    "fees": float(mine["fee"].sum()),
                    "maker_share": float(notional[~mine["crossed"].to_numpy(bool)].sum() / notional.sum())
                    if len(mine)
                    else None,
                }
            )
        table = pa.Table.from_pylist(rows, schema=WALLET_POSITIONS)
        manifest = Manifest.for_table(
            "wallet_positions",
            date,
            coin,
            table,
            "rebuilt from wallet_fills and the day before's positions",
            details={"as_of": iso_ms(end), "carried": len(previous)},
        )
        write_partition(root, table, manifest)
        manifests.append(manifest)
    log(f"wallet positions {date}: {sum(m.rows for m in manifests)} (wallet, coin) position(s)")
    return manifests

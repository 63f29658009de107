"""Public trades rebuilt from `node_fills_by_block`: each trade is two fills (buyer and seller).

The buyer is the user of the fill with side "B", the seller that of side "A"; the aggressor
side is the side of the crossing (taker) fill; receive time is the node's `local_time`.
A trade with one side missing cannot name both wallets: it is counted, never guessed.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from hl_pipeline.lake.schemas import TRADES


def trades_from_fills(fills: pa.Table, coins: list[str]) -> tuple[dict[str, pa.Table], dict[str, int]]:
    """(coin -> trades in TRADES' schema, coin -> trades with only one side present)."""
    fills = fills.filter(pc.is_in(fills["coin"], pa.array(coins, pa.string())))
    keys = ["coin", "tid"]
    side = lambda s: fills.filter(pc.equal(fills["side"], s))  # noqa: E731
    buys = side("B").select([*keys, "time", "px", "sz", "hash", "user", "crossed", "local_time"])
    sells = side("A").select([*keys, "user", "crossed", "local_time"])
    sells = sells.rename_columns([*keys, "seller", "seller_crossed", "seller_local_time"])
    paired = buys.join(sells, keys, join_type="full outer")
    whole = pc.and_(pc.is_valid(paired["user"]), pc.is_valid(paired["seller"]))
    unpaired = paired.filter(pc.invert(whole))
    paired = paired.filter(whole)
    aggressor = pc.if_else(paired["crossed"], "B", "A")
    receive = pc.max_element_wise(
        *(pc.cast(paired[c], pa.int64()) for c in ("local_time", "seller_local_time"))
    )
    table = pa.table(
        {
            "coin": paired["coin"],
            "time": paired["time"],
            "px": paired["px"],
            "sz": paired["sz"],
            "side": aggressor,
            "tid": paired["tid"],
            "hash": paired["hash"],
            "buyer": paired["user"],
            "seller": paired["seller"],
            "receive_time": pc.cast(pc.divide(receive, 1_000_000), pa.timestamp("ms", tz="UTC")),
        }
    ).cast(TRADES)
    by_coin = {c: table.filter(pc.equal(table["coin"], c)) for c in coins}
    missing = (
        dict(zip(*[x.to_pylist() for x in pc.value_counts(unpaired["coin"]).flatten()]))
        if unpaired.num_rows
        else {}
    )
    return by_coin, {c: missing.get(c, 0) for c in coins}

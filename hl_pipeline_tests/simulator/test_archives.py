"""Simulated S3 archives hold what the REST and WebSocket sides serve, in the real files' format."""

import numpy as np
import pytest

from hl_pipeline.exchange.archive import (
    LocalArchive,
    l2_book_key,
    node_fills_key,
    read_l2_snapshots,
    read_node_fills,
)
from hl_pipeline.exchange.intervals import HOUR_MS
from hl_pipeline.lake.calendar import day_start_ms
from hl_pipeline.market.archive_books import books_from_archive
from hl_pipeline.market.archive_trades import trades_from_fills
from hl_pipeline.simulator.archives import write_archives
from hl_pipeline.simulator.book import l2_book
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.trades import hash_hex, trade_ids
from hl_pipeline_tests.conftest import TEST_NOW_MS

DATE = "2024-02-29"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    out = tmp_path_factory.mktemp("archive")
    config = SimulatorConfig(seed=7, now_ms=TEST_NOW_MS)
    counts = write_archives(config, out, [DATE], ["BTC"], book_every_ms=600_000, progress=lambda _: None)
    return out, config, counts


def test_fills_rebuild_exactly_the_simulators_trades(archive):
    out, config, counts = archive
    source = LocalArchive(out / "hl-mainnet-node-data")
    with source.open(node_fills_key(DATE, 13)) as stream:
        fills = read_node_fills(stream)
    by_coin, one_sided = trades_from_fills(fills, ["BTC"])
    rebuilt = by_coin["BTC"].sort_by([("time", "ascending"), ("tid", "ascending")])

    market = Market(config)
    start = day_start_ms(DATE) + 13 * HOUR_MS
    tape = market.tape.window(0, start, start + HOUR_MS - 1)
    tids, words = trade_ids(config.seed, 0, tape.key)
    order = np.lexsort((tids, tape.time))
    users = np.asarray(market.wallets.addresses)
    assert one_sided == {"BTC": 0} and fills.num_rows == 2 * rebuilt.num_rows
    assert rebuilt["tid"].to_pylist() == tids[order].tolist()
    assert rebuilt["buyer"].to_pylist() == users[tape.buyer[order]].tolist()
    assert rebuilt["seller"].to_pylist() == users[tape.seller[order]].tolist()
    assert rebuilt["side"].to_pylist() == ["B" if b else "A" for b in tape.buy[order]]
    assert rebuilt["hash"].to_pylist() == [hash_hex(w) for w in words[order].tolist()]
    assert counts["fills"] > fills.num_rows  # the day holds 24 such hours


def test_book_files_hold_the_rest_book_at_each_snapshot(archive):
    out, config, counts = archive
    with LocalArchive(out / "hyperliquid-archive").open(l2_book_key(DATE, 5, "BTC")) as stream:
        table = books_from_archive(read_l2_snapshots(stream, "BTC"))
    times = sorted(set(table.column("time").cast("int64").to_pylist()))
    assert len(times) == 6 and counts["book_snapshots"] == 24 * 6
    spec = config.coins[0]
    for t in times:
        rest = l2_book(config.seed, 0, spec, t, None, None)
        mine = table.filter(table.column("time").cast("int64").to_numpy() == t)
        for side, levels in zip(("bid", "ask"), rest["levels"]):
            rows = mine.filter(mine.column("side").to_numpy(zero_copy_only=False) == side)
            assert rows["px"].to_pylist() == [float(lvl["px"]) for lvl in levels]
            assert rows["sz"].to_pylist() == [float(lvl["sz"]) for lvl in levels]
    receive = (
        table.column("receive_time").cast("int64").to_numpy() - table.column("time").cast("int64").to_numpy()
    )
    assert (receive > 0).all()  # captured after the exchange time, never before


def test_bad_requests_write_nothing(tmp_path):
    config = SimulatorConfig(seed=7, now_ms=TEST_NOW_MS)
    with pytest.raises(ValueError, match="'XYZ'"):
        write_archives(config, tmp_path, [DATE], ["BTC", "XYZ"])
    with pytest.raises(ValueError, match="2024-03-01 is not over"):
        write_archives(config, tmp_path, [DATE, "2024-03-01"], ["BTC"])
    assert not any(tmp_path.iterdir())

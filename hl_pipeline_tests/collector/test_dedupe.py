from hl_pipeline.collector.dedupe import TradeDeduper


def t(coin, time, tid):
    return (coin, time, 1.0, 1.0, "B", tid, "0x0", "0xa", "0xb", time)


def test_replayed_and_duplicated_trades_are_dropped_once_seen():
    d = TradeDeduper()
    first = [t("BTC", 1000, 1), t("BTC", 1000, 2), t("ETH", 1000, 1)]
    assert d.fresh(first) == first
    replay = [t("BTC", 1000, 2), t("BTC", 2000, 3), t("BTC", 2000, 3)]
    assert d.fresh(replay) == [t("BTC", 2000, 3)]
    assert d.dropped == 2


def test_same_tid_at_another_time_is_another_trade():
    d = TradeDeduper()
    assert len(d.fresh([t("BTC", 1000, 7), t("BTC", 5000, 7)])) == 2


def test_memory_is_bounded_by_the_window():
    d = TradeDeduper(window_ms=1000)
    d.fresh([t("BTC", i * 100, i) for i in range(100)])
    assert len(d._seen) <= 11


def test_keys_remembered_from_a_previous_run_are_dropped():
    d = TradeDeduper()
    d.remember([("BTC", 1000, 1)])
    assert d.fresh([t("BTC", 1000, 1), t("BTC", 1000, 2)]) == [t("BTC", 1000, 2)]

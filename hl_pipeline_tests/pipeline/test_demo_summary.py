"""The demo explains the warnings it causes and reports every other failure."""

from hl_pipeline.commands.demo import split_expected


def test_only_the_brief_collections_completeness_warnings_are_expected():
    failures = [
        "trades/trades_complete 2026-12-01 (warning)",
        "book_snapshots/book_snapshots_complete range (warning)",
        "trades/trades_complete 2026-12-01 (error)",
        "candles/candles_complete 2026-12-01 (warning)",
        "trades/trades_valid_values 2026-12-01 (error)",
        "wash_trades/wash_trades_no_high_score_events 2026-12-01 (warning)",
    ]
    expected, unexpected = split_expected(failures)
    assert expected == [*failures[:2], failures[-1]]
    assert unexpected == failures[2:-1]

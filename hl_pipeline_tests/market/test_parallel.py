import threading

import pytest

from hl_pipeline.market.parallel import for_each_coin


def test_results_keep_coin_order_and_run_on_several_threads():
    seen = set()

    def ingest(coin):
        seen.add(threading.current_thread().name)
        return [f"{coin}-1", f"{coin}-2"]

    assert for_each_coin(ingest, ["BTC", "ETH", "SOL"]) == [
        "BTC-1",
        "BTC-2",
        "ETH-1",
        "ETH-2",
        "SOL-1",
        "SOL-2",
    ]
    assert all(name.startswith("ingest") for name in seen)


def test_an_error_for_one_coin_propagates():
    def ingest(coin):
        if coin == "ETH":
            raise ValueError("ETH failed")
        return [coin]

    with pytest.raises(ValueError, match="ETH failed"):
        for_each_coin(ingest, ["BTC", "ETH"])

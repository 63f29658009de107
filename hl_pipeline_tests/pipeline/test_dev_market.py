"""`make dev` serves the market `make demo` ingested: same seed, same planted signal."""

from hl_pipeline.cli import _parser
from hl_pipeline.commands.demo import DEMO_SEED, SIGNAL_STRENGTH
from hl_pipeline.commands.dev import simulator_args
from hl_pipeline.simulator.cli import config_from
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market


def test_the_dev_simulator_is_the_demo_market():
    config = config_from(_parser().parse_args(simulator_args(8787)))
    demo = SimulatorConfig(seed=DEMO_SEED, signal_strength=SIGNAL_STRENGTH)
    assert (config.seed, config.signal_strength) == (demo.seed, demo.signal_strength) and SIGNAL_STRENGTH > 0
    t = demo.now() // 60_000 * 60_000 - 86_400_000

    def bars(c: SimulatorConfig) -> list[dict]:  # a whole day: planted events are sparse
        return Market(c).candles("BTC", "1m", t, t + 86_400_000)

    served = bars(demo)
    assert bars(config) == served and len(served) >= 1440  # end inclusive, as the API
    assert bars(SimulatorConfig(seed=DEMO_SEED)) != served  # a null market would jump at the seam

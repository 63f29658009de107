"""Calendar features of the bar's open time (UTC): known in advance, read from no input."""

from __future__ import annotations

import numpy as np

from hl_pipeline.exchange.intervals import DAY_MS, HOUR_MS
from hl_pipeline.ml.features.bars import CoinBars

_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


def compute(bars: CoinBars) -> dict[str, np.ndarray]:
    return {
        "hour_of_day": ((bars.times % DAY_MS) // HOUR_MS).astype(float),
        "day_of_week": ((bars.times // DAY_MS + _EPOCH_WEEKDAY) % 7).astype(float),
    }

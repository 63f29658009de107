"""Walk-forward training of one target on a year of 1m bars (synthetic, 40 features, a weak signal).

Wall time and peak memory per fold and in total, for XGBoost (hist, 2 threads) and the
baselines on the same purged folds, plus the final fit on every row.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import peak_rss_mb, save, table

BARS = 525_600
FEATURES = 40
KINDS = ("xgboost", "majority", "logistic")


def main(work: Path) -> dict:
    """Train into memory (`work` is unused: nothing is written but the results)."""
    from hl_pipeline.ml.models import synthetic, walkforward
    from hl_pipeline.ml.models.config import WalkForward, XGBConfig
    from hl_pipeline.ml.models.target_spec import Target

    frame = synthetic.frame(bars=BARS, coins=1, features=FEATURES, strength=0.05, seed=0)
    target = Target(tuple(f"f{i}" for i in range(FEATURES)), "dir_15m", "fwd_ret_15m", 15 * 60_000)
    xgb = XGBConfig(nthread=2)
    started = time.perf_counter()
    ev = walkforward.evaluate(frame, target, xgb=xgb, walk=WalkForward(n_folds=4), kinds=KINDS)
    total = time.perf_counter() - started
    final_s = total - sum(sum(f.seconds.values()) for f in ev.folds)
    blank = {f"{k} s": "-" for k in KINDS}
    rows = [
        {
            "fold": f.index,
            "train rows": f"{f.n_train:,}",
            "test rows": f"{f.n_test:,}",
            **{f"{k} s": f"{f.seconds[k]:.1f}" for k in KINDS},
            "wall s": f"{sum(f.seconds.values()):.1f}",
            "xgb acc": f"{f.metrics['xgboost']['accuracy']:.3f}",
            "peak MiB": f"{f.peak_rss_mb:.0f}",
        }
        for f in ev.folds
    ]
    rows.append(
        {
            "fold": "final fit, metrics, overhead",
            "train rows": f"{len(ev.rows):,}",
            "test rows": "-",
            **blank,
            "wall s": f"{final_s:.1f}",
            "xgb acc": "-",
            "peak MiB": f"{peak_rss_mb():.0f}",
        }
    )
    rows.append(
        {
            "fold": "total",
            "train rows": "-",
            "test rows": "-",
            **blank,
            "wall s": f"{total:.1f}",
            "xgb acc": f"{ev.aggregate['xgboost']['accuracy']:.3f}",
            "peak MiB": f"{peak_rss_mb():.0f}",
        }
    )
    print(table(rows))
    payload = {
        "bars": BARS,
        "features": FEATURES,
        "kinds": list(KINDS),
        "xgb": xgb.params(),
        "total_s": total,
        "final_fit_and_overhead_s": final_s,
        "peak_rss_mb": peak_rss_mb(),
        "folds": [
            {
                "fold": f.index,
                "n_train": f.n_train,
                "n_test": f.n_test,
                "seconds": f.seconds,
                "peak_rss_mb": f.peak_rss_mb,
                "metrics": f.metrics,
            }
            for f in ev.folds
        ],
    }
    save("train_year", payload)
    return payload


if __name__ == "__main__":
    main(Path("."))

"""Walk-forward training and gating of one target on a year of 1m bars (synthetic, 40 features,
a weak signal).

Side by side in one run: the first wave's candidates (XGBoost, majority, logistic) evaluated
alone, as the baseline; then the default candidates (XGBoost, LightGBM, random forest,
logistic) with the walk-forward choice, the final fit, the held-out permutation importance and
the net-of-cost gate. Wall time and peak memory per fold and in total.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import peak_rss_mb, save, table

BARS = 525_600
FEATURES = 40
BASELINE_KINDS = ("xgboost", "majority", "logistic")


def main(work: Path) -> dict:
    """Train into memory (`work` is unused: nothing is written but the results)."""
    from hl_pipeline.ml.models import gate, synthetic, walkforward
    from hl_pipeline.ml.models.config import WalkForward, XGBConfig
    from hl_pipeline.ml.models.target_spec import Target

    frame = synthetic.frame(bars=BARS, coins=1, features=FEATURES, strength=0.05, seed=0)
    target = Target(tuple(f"f{i}" for i in range(FEATURES)), "dir_15m", "fwd_ret_15m", 15 * 60_000, 15)
    xgb = XGBConfig(nthread=2)
    walk = WalkForward(n_folds=4)
    started = time.perf_counter()
    walkforward.evaluate(
        frame, target, xgb=xgb, walk=walk, kinds=BASELINE_KINDS, primary="xgboost", fit_final=False
    )
    baseline = time.perf_counter() - started
    print(f"baseline (first-wave candidates, evaluation only): {baseline:.1f} s", flush=True)
    kinds = walkforward.DEFAULT_KINDS
    started = time.perf_counter()
    ev = walkforward.evaluate(frame, target, xgb=xgb, walk=walk)
    evaluated = time.perf_counter() - started
    decision = gate.gate(ev)
    total = time.perf_counter() - started
    print(
        f"default candidates: evaluation {evaluated:.1f} s, gate {total - evaluated:.1f} s,"
        f" total {total:.1f} s = {total / baseline:.2f}x the baseline; chosen {ev.primary}; "
        + decision.reason,
        flush=True,
    )
    final_s = total - sum(sum(f.seconds.values()) for f in ev.folds)
    blank = {f"{k} s": "-" for k in kinds}
    rows = [
        {
            "fold": f.index,
            "train rows": f"{f.n_train:,}",
            "test rows": f"{f.n_test:,}",
            **{f"{k} s": f"{f.seconds[k]:.1f}" for k in kinds},
            "wall s": f"{sum(f.seconds.values()):.1f}",
            "chosen acc": f"{f.metrics[ev.primary]['accuracy']:.3f}",
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
            "chosen acc": "-",
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
            "chosen acc": f"{ev.aggregate[ev.primary]['accuracy']:.3f}",
            "peak MiB": f"{peak_rss_mb():.0f}",
        }
    )
    print(table(rows))
    payload = {
        "bars": BARS,
        "features": FEATURES,
        "kinds": list(kinds),
        "xgb": xgb.params(),
        "baseline_s": baseline,
        "total_s": total,
        "gate_s": total - evaluated,
        "ratio": total / baseline,
        "chosen": ev.primary,
        "decision": decision.reason,
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

"""Training and gating one target on a year of 1m bars (synthetic, 40 features, a weak signal), beside
the first wave's code doing the same.

The baseline is commit BASELINE_COMMIT (the first wave's model path: XGBoost with the majority and
logistic baselines on purged walk-forward folds, the final fit, and its gate on directional
accuracy), checked out in a temporary git worktree. The new evaluation: the default candidates
(XGBoost, LightGBM, random forest, logistic) with the walk-forward choice, the final fit, the
held-out permutation importance, combinatorial purged cross-validation of the chosen candidate,
and the net-of-cost gate. Each run is a fresh process building the same synthetic frame with its
own code (not timed); RUNS interleaved rounds.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, baseline_tree, peak_rss_mb, save, table

BARS = 525_600
FEATURES = 40
RUNS = 3
BASELINE_COMMIT = "8871c40"  # the last commit before the honest-models evaluation (the first wave's)
BASELINE_KINDS = ("xgboost", "majority", "logistic")


def _inputs():
    from hl_pipeline.ml.models import synthetic
    from hl_pipeline.ml.models.target_spec import Target

    frame = synthetic.frame(bars=BARS, coins=1, features=FEATURES, strength=0.05, seed=0)
    spec: dict[str, object] = {"features": tuple(f"f{i}" for i in range(FEATURES)), "label": "dir_15m"}
    spec |= {"ret": "fwd_ret_15m", "horizon_ms": 15 * 60_000, "hold_bars": 15}
    names = {f.name for f in dataclasses.fields(Target)}  # the first wave's Target has no hold_bars
    return frame, Target(**{k: v for k, v in spec.items() if k in names})  # type: ignore[arg-type]


def run_baseline() -> dict:
    """The first wave: evaluate (its three candidates, final fit) and gate, as its training step did."""
    from hl_pipeline.ml.models import gate, walkforward
    from hl_pipeline.ml.models.config import WalkForward, XGBConfig

    frame, target = _inputs()
    started = time.perf_counter()
    ev = walkforward.evaluate(
        frame, target, xgb=XGBConfig(nthread=2), walk=WalkForward(n_folds=4), kinds=BASELINE_KINDS
    )
    evaluated = time.perf_counter()
    decision = gate.gate(ev)
    done = time.perf_counter()
    return {
        "total_s": done - started,
        "evaluate_s": evaluated - started,
        "gate_s": done - evaluated,
        "folds_s": [sum(f.seconds.values()) for f in ev.folds],
        "decision": decision.reason,
        "peak_mib": peak_rss_mb(),
    }


def run_new() -> dict:
    """The new evaluation: four candidates, walk-forward choice, final fit, importance, CPCV, gate."""
    from hl_pipeline.ml.models import cpcv, gate, walkforward
    from hl_pipeline.ml.models.config import WalkForward, XGBConfig

    frame, target = _inputs()
    xgb = XGBConfig(nthread=2)
    started = time.perf_counter()
    ev = walkforward.evaluate(frame, target, xgb=xgb, walk=WalkForward(n_folds=4))
    evaluated = time.perf_counter()
    record, _ = cpcv.paths(ev, xgb=xgb)
    pathed = time.perf_counter()
    decision = gate.gate(ev)
    done = time.perf_counter()
    return {
        "total_s": done - started,
        "evaluate_s": evaluated - started,
        "cpcv_s": pathed - evaluated,
        "gate_s": done - pathed,
        "folds_s": [sum(f.seconds.values()) for f in ev.folds],
        "fold_kind_s": [f.seconds for f in ev.folds],
        "fold_rows": [[f.n_train, f.n_test] for f in ev.folds],
        "chosen": ev.primary,
        "cpcv": record.metrics(),
        "decision": decision.reason,
        "peak_mib": peak_rss_mb(),
    }


def _child(which: str, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    cmd = [sys.executable, "-m", "bench.train_year", which]
    out = subprocess.run(cmd, env=env, cwd=code, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _spread(values: list[float]) -> tuple[str, str]:
    return f"{statistics.median(values):.1f}", f"{min(values):.1f}-{max(values):.1f}"


def main(work: Path) -> dict:
    """`work` is unused: nothing is written but the results."""
    load = [os.getloadavg()[0]]
    runs: dict[str, list[dict]] = {"baseline": [], "new": []}
    with baseline_tree(BASELINE_COMMIT, Path(__file__)) as old:
        for r in range(RUNS):
            order = ("baseline", "new") if r % 2 == 0 else ("new", "baseline")
            for which in order:
                runs[which].append(_child(which, old if which == "baseline" else ROOT))
            print(
                f"round {r + 1}: baseline {runs['baseline'][-1]['total_s']:.1f} s, "
                f"new {runs['new'][-1]['total_s']:.1f} s",
                flush=True,
            )
    load.append(os.getloadavg()[0])
    ratios = [n["total_s"] / b["total_s"] for b, n in zip(runs["baseline"], runs["new"])]
    rows = []
    for which, label in (("baseline", f"first wave {BASELINE_COMMIT}"), ("new", "new evaluation")):
        part = runs[which]
        med, spread = _spread([p["total_s"] for p in part])
        rows.append(
            {
                "code": label,
                "runs": len(part),
                "median s": med,
                "min-max s": spread,
                "evaluate s": _spread([p["evaluate_s"] for p in part])[0],
                "cpcv s": _spread([p["cpcv_s"] for p in part])[0] if which == "new" else "-",
                "gate s": _spread([p["gate_s"] for p in part])[0],
                "peak MiB": f"{max(p['peak_mib'] for p in part):.0f}",
            }
        )
    print(table(rows))
    newest = runs["new"][-1]
    folds = [
        {
            "fold": i,
            "train rows": f"{n_train:,}",
            "test rows": f"{n_test:,}",
            **{f"{k} s": f"{v:.1f}" for k, v in kinds.items()},
        }
        for i, ((n_train, n_test), kinds) in enumerate(zip(newest["fold_rows"], newest["fold_kind_s"]))
    ]
    print(table(folds))
    print(
        f"new / baseline: median {statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) "
        f"over {RUNS} rounds; load {load[0]:.2f} before, {load[1]:.2f} after; chosen {newest['chosen']}; "
        f"CPCV {newest['cpcv']}; {newest['decision']}",
        flush=True,
    )
    payload = {
        "bars": BARS,
        "features": FEATURES,
        "baseline_commit": BASELINE_COMMIT,
        "runs": runs,
        "ratios": ratios,
        "ratio_median": statistics.median(ratios),
        "load": load,
    }
    save("train_year", payload)
    return payload


if __name__ == "__main__":
    if sys.argv[1:] == ["baseline"]:
        print(json.dumps(run_baseline()))
    elif sys.argv[1:] == ["new"]:
        print(json.dumps(run_new()))
    else:
        main(Path("."))

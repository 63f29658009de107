"""False promotions on the simulator's true null and power at planted strengths.

For each seed, a few days of the simulator's 1m candles for three coins go through the
pipeline's own features, labels, training-set split, candidate choice and gate (the 15m
target, the three coins decided in one round, as the promotion asset does). Reported per
strength: promotions out of seeds x coins with a 95% Clopper-Pearson interval, and whether
every promoted model made money net of costs on its gate window (traded on every bar, one bar
late).

    python -m bench.model_gate [--seeds 16] [--days 5] [--strengths 0,0.5,1] [--horizon 15] [--integrity 0]

`--horizon 5 --integrity 1 --days 3` is the demo's setting: its 5m targets, the manipulation it
plants for the detectors, and the 1m history the candle endpoint keeps (5,000 candles, 3.5 days).
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from bench.common import save, table

COINS = ("BTC", "ETH", "SOL")
HORIZON_MIN = 15
START_MS = 1_704_067_200_000  # 2024-01-01
DAY_MS = 86_400_000


def candles(seed: int, strength: float, days: int, integrity: float = 0.0) -> pd.DataFrame:
    """The simulator's 1m candles of COINS for `days` days from START_MS, plus a label horizon."""
    from hl_pipeline.simulator.config import SimulatorConfig
    from hl_pipeline.simulator.minutes import minute_candles

    config = SimulatorConfig(seed=seed, signal_strength=strength, integrity_rate=integrity)
    m0 = START_MS // 60_000 - 240  # feature lookback before the first bar
    m1 = (START_MS + days * DAY_MS) // 60_000 + 120
    parts = []
    for i, spec in enumerate(config.coins):
        if spec.name not in COINS:
            continue
        c = minute_candles(seed, i, spec, m0, m1)
        t = pd.to_datetime(c.t, unit="ms", utc=True)
        parts.append(
            pd.DataFrame(
                {
                    "coin": spec.name,
                    "time": t,
                    "close_time": t + pd.Timedelta(milliseconds=59_999),
                    "interval": "1m",
                    "open": c.o,
                    "high": c.h,
                    "low": c.l,
                    "close": c.c,
                    "volume": c.v / 10.0**spec.sz_decimals,
                    "trades": c.n,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def one_round(
    seed: int, strength: float, days: int, horizon_min: int = HORIZON_MIN, integrity: float = 0.0
) -> list[dict]:
    """The three coins' targets of one seed (one horizon), gated together."""
    from hl_pipeline.ml.features.compute import compute_features
    from hl_pipeline.ml.labels import LabelSpec, compute_labels
    from hl_pipeline.ml.models.config import GateConfig, TradingConfig, WalkForward
    from hl_pipeline.ml.models.gate import assess, decide_round
    from hl_pipeline.ml.models.target_keys import TargetKey, target_rows
    from hl_pipeline.ml.models.walkforward import evaluate
    from hl_pipeline.ml.training_set import build_training_set

    frame = candles(seed, strength, days, integrity)
    end = START_MS + days * DAY_MS
    features = compute_features({"candles": frame}, START_MS, end, coins=COINS)
    spec = LabelSpec(horizons_min=(horizon_min,))
    labels = compute_labels(frame, START_MS, end, spec)
    ts, manifest = build_training_set(features, labels, as_of_ms=end + 2 * 3_600_000, spec=spec)
    trading, gate = TradingConfig(), GateConfig()
    assessments, chosen = [], []
    for coin in COINS:
        rows, target, folds = target_rows(ts, manifest, TargetKey(coin, horizon_min), 60_000)
        ev = evaluate(
            rows, target, walk=WalkForward(n_folds=len(folds)), folds=folds, trading=trading, fit_final=False
        )
        assessments.append(assess(ev, trading=trading, config=gate, n_trials=len(ev.kinds)))
        chosen.append(ev.primary)
    decisions = decide_round(assessments, ["baselines"] * len(COINS), gate)
    return [
        {
            "seed": seed,
            "strength": strength,
            "coin": coin,
            "candidate": kind,
            "promoted": d.promote,
            "net_return": d.assessment.net_return,
            "net_sharpe": d.assessment.net_sharpe,
            "lcb": d.assessment.net_sharpe_lcb,
            "accuracy": d.assessment.accuracy,
            "p": d.assessment.p_value,
            "p_adjusted": d.p_adjusted,
        }
        for coin, kind, d in zip(COINS, chosen, decisions)
    ]


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    from scipy.stats import beta

    a = (1 - level) / 2
    lo = beta.ppf(a, k, n - k + 1) if k > 0 else 0.0
    hi = beta.ppf(1 - a, k + 1, n - k) if k < n else 1.0
    return float(lo), float(hi)


def main(
    seeds: int = 16,
    days: int = 5,
    strengths: tuple[float, ...] = (0.0, 0.5, 1.0),
    horizon_min: int = HORIZON_MIN,
    integrity: float = 0.0,
) -> dict:
    rows, started = [], time.perf_counter()
    for strength in strengths:
        for seed in range(seeds):
            rows.extend(one_round(100 + seed, strength, days, horizon_min, integrity))
            print(f"strength {strength} seed {100 + seed}: {time.perf_counter() - started:.0f} s", flush=True)
    every = pd.DataFrame(rows)
    summary = []
    for strength, group in every.groupby("strength"):
        k, n = int(group["promoted"].sum()), len(group)
        lo, hi = clopper_pearson(k, n)
        won = group.loc[group["promoted"], "net_return"]
        per_round = group.groupby("seed")["promoted"].sum()
        summary.append(
            {
                "strength": strength,
                "targets": n,
                "promoted": k,
                "rate": f"{k / n:.3f}",
                "95% CI": f"[{lo:.3f}, {hi:.3f}]",
                "promoted net > 0": f"{int((won > 0).sum())}/{len(won)}",
                "rounds promoting none": f"{int((per_round == 0).sum())}/{len(per_round)}",
                "median net Sharpe": f"{group['net_sharpe'].median():.1f}",
                "median accuracy": f"{group['accuracy'].median():.3f}",
                "chosen": ", ".join(f"{c} {m}" for c, m in group["candidate"].value_counts().items()),
            }
        )
    print(table(summary))
    result: dict = {"seeds": seeds, "days": days, "horizon_min": horizon_min, "integrity": integrity}
    result |= {"summary": summary, "targets": rows}
    save("model_gate", result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--strengths", default="0,0.5,1")
    parser.add_argument("--horizon", type=int, default=HORIZON_MIN, help="the target's horizon in minutes")
    parser.add_argument("--integrity", type=float, default=0.0, help="the simulator's manipulation rate")
    args = parser.parse_args()
    strengths = tuple(float(s) for s in args.strengths.split(","))
    main(args.seeds, args.days, strengths, args.horizon, args.integrity)

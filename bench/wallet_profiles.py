"""Wallet profiles against the simulator's planted kinds: precision and recall per kind.

For each seed: a simulator on loopback (fixed clock, limits lifted, every candle kept), a sample of
its population (every market maker and whale, SAMPLE_PER_KIND of each other kind) configured as
HL_WALLETS, and the pipeline's own steps over WINDOW_DAYS days into a fresh lake: wallets,
wallet_fills, wallet_positions, wallet_funding, asset contexts (from the simulated archive), 1m
candles, wallet_pnl, then wallet_profiles for the last day. Labels are scored against the exported
truth (`hl_pipeline.simulator.wallets.truth`, what `hl-pipeline simulator truth` writes). The sample
over-represents the rare kinds, so precision is also given reweighted to the population's kind mix.

The thresholds (hl_pipeline/wallets/classify.py) were set on seed TUNING_SEED; the scored seeds
differ. `python -m bench.wallet_profiles [SEED...]` scores those seeds (default SEEDS);
`python -m bench.wallet_profiles --tune` prints the statistics per planted kind on the tuning seed.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import save, table
from hl_pipeline.exchange.archive.sources import LocalArchive
from hl_pipeline.exchange.client import InfoClient
from hl_pipeline.lake.calendar import date_of_ms, days_between, shift
from hl_pipeline.lake.reader import read_partition
from hl_pipeline.market.asset_contexts import ingest_asset_contexts
from hl_pipeline.market.candles import ingest_candles
from hl_pipeline.simulator.archives import write_ctxs_archive
from hl_pipeline.simulator.config import SimulatorConfig
from hl_pipeline.simulator.market import Market
from hl_pipeline.simulator.server import running_simulator
from hl_pipeline.simulator.wallets import KIND_NAMES, truth
from hl_pipeline.wallets.classify import WINDOW_DAYS
from hl_pipeline.wallets.funding import ingest_wallet_funding
from hl_pipeline.wallets.ingest import ingest_wallet_fills, ingest_wallet_positions, ingest_wallets
from hl_pipeline.wallets.pnl_ingest import ingest_wallet_pnl
from hl_pipeline.wallets.profile_ingest import ingest_wallet_profiles

TUNING_SEED = 101
SEEDS = (202, 303, 404)
SAMPLE_PER_KIND = 15
COINS = ["BTC", "ETH", "SOL", "HYPE", "DOGE"]
NOW_MS = 1_709_253_000_000  # 2024-03-01 00:30 UTC: the window is the seven whole days before
GOAL = {"market_maker": 0.9, "whale": 0.9}


def _quiet(_: str) -> None:
    pass


def sample(seed: int, count: int) -> list[str]:
    """Every market maker and whale, and `SAMPLE_PER_KIND` of each other kind, drawn by the seed."""
    kinds = truth(seed, count)
    rng = np.random.default_rng(seed)
    chosen: list[str] = []
    for kind in KIND_NAMES:
        of_kind = [a for a, v in kinds.items() if v["kind"] == kind]
        if kind in GOAL:
            chosen += of_kind
        else:
            chosen += list(rng.choice(of_kind, size=min(SAMPLE_PER_KIND, len(of_kind)), replace=False))
    return chosen


def profile_run(seed: int, work: Path) -> pd.DataFrame:
    """The profiles of the sampled wallets for the window's last day, beside their planted kind."""
    config = SimulatorConfig(seed=seed, now_ms=NOW_MS, rate_limit=False, retention=None)
    market = Market(config)
    configured = sample(seed, config.wallet_count)
    last = shift(date_of_ms(NOW_MS), -1)
    dates = days_between(shift(last, -(WINDOW_DAYS - 1)), last)
    lake, archive = work / "lake", work / "archive"
    with running_simulator(config, host="127.0.0.1", port=0) as handle:
        client = InfoClient(handle.base_url, rate_limit=False, retained_candles=None, timeout=60.0)
        for coin in COINS:
            ingest_candles(client, lake, coin, dates, NOW_MS, ("1m",), ())
        for date in dates:
            write_ctxs_archive(market, archive, date, COINS)
            ingest_asset_contexts(lake, LocalArchive(str(archive)), COINS, date, NOW_MS)
            ingest_wallets(lake, COINS, date, NOW_MS, tuple(configured), len(configured), _quiet)
            ingest_wallet_fills(client, lake, COINS, date, NOW_MS, _quiet)
            ingest_wallet_positions(lake, COINS, date, NOW_MS, _quiet)
            ingest_wallet_funding(client, lake, COINS, date, NOW_MS, _quiet)
            ingest_wallet_pnl(lake, COINS, date, NOW_MS, _quiet)
        ingest_wallet_profiles(client, lake, COINS, last, NOW_MS, _quiet)
    profiles = read_partition(lake, "wallet_profiles", last)
    assert profiles is not None
    frame = profiles.to_pandas()
    kinds = truth(seed, config.wallet_count)
    frame["planted"] = frame["user"].map(lambda u: kinds[u]["kind"])
    return frame


def scores(frame: pd.DataFrame, population: Counter) -> dict[str, dict[str, float | None]]:
    """Per kind: recall, precision in the sample, and precision reweighted to the population."""
    weight = {k: population[k] / max((frame["planted"] == k).sum(), 1) for k in KIND_NAMES}
    out = {}
    for kind in KIND_NAMES:
        planted, labelled = frame["planted"] == kind, frame["kind"] == kind
        hit = (planted & labelled).sum()
        w = frame["planted"].map(weight)
        out[kind] = {
            "recall": float(hit / planted.sum()) if planted.sum() else None,
            "precision": float(hit / labelled.sum()) if labelled.sum() else None,
            "precision_population": float(w[planted & labelled].sum() / w[labelled].sum())
            if labelled.sum()
            else None,
        }
    return out


def _spread(values: list[float | None]) -> str:
    got = [v for v in values if v is not None]
    if not got:
        return "-"
    return f"{statistics.median(got):.3f} ({min(got):.3f}-{max(got):.3f})"


def main(work: Path | None = None, seeds: tuple[int, ...] = SEEDS) -> dict:
    if TUNING_SEED in seeds:
        raise SystemExit(f"seed {TUNING_SEED} tuned the thresholds; score other seeds")
    runs: dict[int, dict] = {}
    seconds: list[float] = []
    for seed in seeds:
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            t0 = time.perf_counter()
            frame = profile_run(seed, Path(tmp))
            seconds.append(time.perf_counter() - t0)
        population = Counter(v["kind"] for v in truth(seed, SimulatorConfig().wallet_count).values())
        runs[seed] = {"wallets": len(frame), "scores": scores(frame, population)}
        print(f"seed {seed}: {len(frame)} wallets profiled in {seconds[-1]:.0f} s", flush=True)
    rows = [
        {
            "kind": kind,
            "recall": _spread([r["scores"][kind]["recall"] for r in runs.values()]),
            "precision (sample)": _spread([r["scores"][kind]["precision"] for r in runs.values()]),
            "precision (population mix)": _spread(
                [r["scores"][kind]["precision_population"] for r in runs.values()]
            ),
        }
        for kind in KIND_NAMES
    ]
    print(table(rows))
    print(f"runs: {len(seeds)} seeds {list(seeds)}; seconds per run: median {statistics.median(seconds):.0f}")
    payload = {
        "load": {
            "wallets_per_run": next(iter(runs.values()))["wallets"],
            "days": WINDOW_DAYS,
            "coins": COINS,
            "population": SimulatorConfig().wallet_count,
        },
        "seeds": list(seeds),
        "seconds": seconds,
        "runs": runs,
        "table": rows,
    }
    save("wallet_profiles", payload)
    return payload


def tune() -> None:
    """Statistics per planted kind on the tuning seed (what the thresholds were read from)."""
    with tempfile.TemporaryDirectory() as tmp:
        frame = profile_run(TUNING_SEED, Path(tmp))
    cols = ["maker_share", "fills_per_day", "equity_usd", "liquidations", "leverage", "second_share"]
    cols += ["interval_cv", "pnl_days_positive", "pnl_tstat", "taker_markout_1h_tstat", "inventory_ratio"]
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(frame.groupby("planted")[cols].quantile([0.05, 0.5, 0.95]).round(3))
        print(pd.crosstab(frame["planted"], frame["kind"]))


if __name__ == "__main__":
    if sys.argv[1:] == ["--tune"]:
        tune()
    else:
        main(seeds=tuple(int(s) for s in sys.argv[1:]) or SEEDS)

"""Time to load the code location in a fresh interpreter, as every run and UI reload pays it."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.common import save, table

REPEATS = 5
_LOAD = "from hl_pipeline.definitions import defs; d = defs(); d.resolve_asset_graph()"


def _wall(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def main() -> dict:
    _wall(_LOAD)  # warm the bytecode cache
    bare = statistics.median(_wall("pass") for _ in range(REPEATS))
    dagster_only = statistics.median(_wall("import dagster") for _ in range(REPEATS))
    load = statistics.median(_wall(_LOAD) for _ in range(REPEATS))
    rows = [
        {"what": "python, nothing imported", "median s": f"{bare:.2f}"},
        {"what": "import dagster", "median s": f"{dagster_only:.2f}"},
        {"what": "load hl_pipeline code location", "median s": f"{load:.2f}"},
    ]
    print(table(rows))
    payload = {"bare_s": bare, "dagster_s": dagster_only, "load_s": load, "repeats": REPEATS}
    save("load_time", payload)
    return payload

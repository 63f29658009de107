"""Shared benchmark plumbing: a simulator subprocess, timing, peak memory, results."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def simulator_process(*extra: str, seed: int = 1):
    """A simulator in its own process (so this process's peak memory is the pipeline's); yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hl_pipeline.cli",
            "simulator",
            "serve",
            "--port",
            str(port),
            "--seed",
            str(seed),
            *extra,
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                req = urllib.request.Request(
                    url + "/info", data=b'{"type":"meta"}', headers={"Content-Type": "application/json"}
                )
                urllib.request.urlopen(req, timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("simulator did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MiB): VmHWM, since ru_maxrss carries over the
    peak of the process that spawned this one across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def save(name: str, payload: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


def table(rows: list[dict]) -> str:
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(out)


def env_for(url: str, lake: Path, home: Path, **extra: str) -> dict:
    env = dict(os.environ, HL_API_URL=url, HL_LAKE_ROOT=str(lake), DAGSTER_HOME=str(home), **extra)
    home.mkdir(parents=True, exist_ok=True)
    return env


@contextlib.contextmanager
def baseline_tree(commit: str, *benchmarks: Path) -> Iterator[Path]:
    """`commit` checked out in a temporary git worktree, with these benchmark files (and this one)
    copied beside its code so they run on it."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
            check=True,
            capture_output=True,
        )
        try:
            for path in (Path(__file__), *benchmarks):
                (tree / "bench" / path.name).write_text(path.read_text())
            yield tree
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)

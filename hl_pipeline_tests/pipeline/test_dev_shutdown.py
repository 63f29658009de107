"""`hl-pipeline dev` stopped by SIGTERM or SIGINT stops its whole tree: the UI's processes, the
collector and the simulator, none left running."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _still_stopping(proc: subprocess.Popen, tree: set[int], err: Path) -> str:
    """What a shutdown that did not end is waiting on: dev's stack (it dumps it on SIGUSR1) and the
    state, kernel wait channel and command line of every process it started."""
    os.kill(proc.pid, signal.SIGUSR1)
    time.sleep(1.0)
    rows = []
    for pid in sorted(tree | _descendants(proc.pid)):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            wchan = Path(f"/proc/{pid}/wchan").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:160]
        except OSError:
            continue
        rows.append(f"{pid} {state} {wchan} {cmd}")
    return (
        "hl-pipeline dev still running 90 s after the signal\n"
        + "\n".join(rows)
        + "\n"
        + err.read_text()[-6000:]
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_every_process_dev_started(tmp_path, sig):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(Path(__file__).parents[2] / "deploy" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HL_")}
    env |= {
        "DAGSTER_HOME": str(home),
        "HL_LAKE_ROOT": str(tmp_path / "lake"),
        "HL_LANDING_ROOT": str(tmp_path / "landing"),
        "HL_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "HL_MLFLOW_ROOT": str(tmp_path),
    }
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hl_pipeline.cli", "dev", "--port", str(port)],
        env=env,
        cwd=Path(__file__).parents[2],  # `dg dev` runs the project it finds here
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "dev.err").open("w"),
    )
    try:
        deadline = time.monotonic() + 240
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert proc.poll() is None, "hl-pipeline dev exited before the UI listened"
            assert time.monotonic() < deadline, "the UI never listened"
            time.sleep(0.5)
        tree = _descendants(proc.pid)
        assert len(tree) >= 4  # the simulator, the collector, dg and what it starts
        proc.send_signal(sig)
        try:
            code = proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            pytest.fail(_still_stopping(proc, tree, tmp_path / "dev.err"))
        assert code == 0
        left = sorted(p for p in tree if _running(p))
        assert not left, f"still running after dev stopped: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in _descendants(proc.pid) | (tree if "tree" in locals() else set()):
            if _running(pid):
                os.kill(pid, signal.SIGKILL)

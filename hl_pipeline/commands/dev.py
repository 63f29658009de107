"""`hl-pipeline dev` (what `make dev` runs): the Dagster UI with the demo's market beside it.

With HL_API_URL unset, the simulator serves the market `make demo` ingested (same seed and
planted signal), a collector streams it into the landing zone (so the heartbeat check watches
something real), and the models are the demo's targets unless HL_MODEL_TARGETS says otherwise."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from hl_pipeline.commands.demo import DEMO_SEED, DEMO_TARGETS, SIGNAL_STRENGTH


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def simulator_args(port: int, seed: int = DEMO_SEED) -> list[str]:
    """`hl-pipeline` arguments of the simulator beside the UI: the demo's market on `port`."""
    return [
        "simulator",
        "serve",
        "--port",
        str(port),
        "--seed",
        str(seed),
        "--signal-strength",
        str(SIGNAL_STRENGTH),
    ]


def _wait_for(port: int, seconds: float = 30.0) -> None:
    """Until something listens on 127.0.0.1:`port` (the simulator), at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hl_pipeline.cli", *args], env=env)


def dev(port: int = 3000, seed: int = DEMO_SEED, verbose: bool = False) -> int:
    """Serve the UI on 127.0.0.1:`port`; with HL_API_URL unset, a simulator and a collector run beside it."""
    env = dict(os.environ)  # the child processes' environment; this process's stays as it is
    helpers: list[subprocess.Popen] = []
    if not env.get("HL_API_URL", "").strip():
        sim_port = _free_port()
        helpers.append(_cli(*simulator_args(sim_port, seed)))
        env["HL_API_URL"] = f"http://127.0.0.1:{sim_port}"
        _wait_for(sim_port)
        env.setdefault("HL_MODEL_TARGETS", DEMO_TARGETS)
        helpers.append(_cli("collect", env=env))
    print(f"Dagster UI on http://127.0.0.1:{port}, data from {env['HL_API_URL']}", flush=True)
    env["VIRTUAL_ENV"] = sys.prefix  # `dg dev` runs the project in this interpreter's venv
    level = "info" if verbose else "warning"
    ui = subprocess.Popen([_dg(), "dev", "-h", "127.0.0.1", "-p", str(port), "--log-level", level], env=env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so the helpers below are stopped too
    try:
        return ui.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in (ui, *reversed(helpers)):
            child.terminate()
            child.wait(timeout=30)


def _dg() -> str:
    """The `dg` command beside this interpreter (the venv's)."""
    return str(Path(sys.executable).with_name("dg"))

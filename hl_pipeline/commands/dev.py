"""`hl-pipeline dev` (what `make dev` runs): the Dagster UI with the demo's market beside it.

With HL_API_URL unset, the simulator serves the market `make demo` ingested (same seed and
planted signal), a collector streams it into the landing zone (so the heartbeat check watches
something real), and the models are the demo's targets unless HL_MODEL_TARGETS says otherwise."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from hl_pipeline.commands.demo import DEMO_SEED, DEMO_TARGETS, SIGNAL_STRENGTH


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        strength = str(SIGNAL_STRENGTH)
        helpers.append(
            _cli(
                "simulator",
                "serve",
                "--port",
                str(sim_port),
                "--seed",
                str(seed),
                "--signal-strength",
                strength,
            )
        )
        env["HL_API_URL"] = f"http://127.0.0.1:{sim_port}"
        _wait_for(sim_port)
        env.setdefault("HL_MODEL_TARGETS", DEMO_TARGETS)
        helpers.append(_cli("collect", env=env))
    print(f"Dagster UI on http://127.0.0.1:{port}, data from {env['HL_API_URL']}", flush=True)
    command = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-w",
        "workspace.yaml",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    try:
        return subprocess.call([*command, "--log-level", "info" if verbose else "warning"], env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        for helper in reversed(helpers):
            helper.terminate()
            helper.wait(timeout=10)

"""`hl-pipeline dev` (what `make dev` runs): the Dagster UI with the simulator beside it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dev(port: int = 3000, seed: int = 42) -> int:
    """Serve the UI on 127.0.0.1:`port`; with HL_API_URL unset, a simulator runs beside it."""
    env = dict(os.environ)
    simulator = None
    if "HL_API_URL" not in env:
        sim_port = _free_port()
        simulator = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hl_pipeline.cli",
                "simulator",
                "serve",
                "--port",
                str(sim_port),
                "--seed",
                str(seed),
            ]
        )
        env["HL_API_URL"] = f"http://127.0.0.1:{sim_port}"
    print(f"Dagster UI on http://127.0.0.1:{port}, data from {env['HL_API_URL']}", flush=True)
    try:
        return subprocess.call(
            [
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
            ],
            env=env,
        )
    except KeyboardInterrupt:
        return 0
    finally:
        if simulator is not None:
            simulator.terminate()
            simulator.wait(timeout=10)

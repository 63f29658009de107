"""`hl-pipeline dev` (what `make dev` runs): the Dagster UI with the demo's market beside it.

With HL_API_URL unset, the simulator serves the market `make demo` ingested (same seed and
planted signal), a collector streams it into the landing zone (so the heartbeat check watches
something real), and the models and spot pairs are the demo's unless HL_MODEL_TARGETS and
HL_SPOT_COINS say otherwise."""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from hl_pipeline.commands.demo import DEMO_SEED, DEMO_SPOT_COINS, DEMO_TARGETS, SIGNAL_STRENGTH


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
    return _spawn([sys.executable, "-m", "hl_pipeline.cli", *args], env)


def _spawn(cmd: list[str], env: dict[str, str] | None) -> subprocess.Popen:
    """A child in a process group of its own: stopping it stops everything it started, and a Ctrl-C
    in the terminal reaches this process only, which stops the children in order."""
    return subprocess.Popen(cmd, env=env, start_new_session=True)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member this process may not signal: still running
        return True
    return True


def stop_group(child: subprocess.Popen, seconds: float) -> None:
    """SIGTERM to `child`'s whole process group, SIGKILL to whatever is left after `seconds`."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        child.poll()  # reaps the leader once it exits, so only live members keep the group
        if not _group_alive(child.pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def dev(port: int = 3000, seed: int = DEMO_SEED, verbose: bool = False) -> int:
    """Serve the UI on 127.0.0.1:`port`; with HL_API_URL unset, a simulator and a collector run beside it.

    On SIGTERM or SIGINT the UI's process tree stops first (no new runs), then the collector (it
    flushes what it holds), then the simulator; each group gets SIGKILL if it outlives its grace.
    SIGUSR1 prints this process's stack to stderr (where a slow shutdown waits)."""
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    env = dict(os.environ)  # the child processes' environment; this process's stays as it is
    helpers: list[tuple[subprocess.Popen, float]] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # unwinds into the `finally` below
    # a shell starting this in the background (`&`, no job control) leaves SIGINT ignored, and Python
    # then installs no KeyboardInterrupt handler of its own: install it, so SIGINT stops dev there too
    signal.signal(signal.SIGINT, signal.default_int_handler)
    ui = None
    try:
        if not env.get("HL_API_URL", "").strip():
            sim_port = _free_port()
            helpers.append((_cli(*simulator_args(sim_port, seed)), 5.0))
            env["HL_API_URL"] = f"http://127.0.0.1:{sim_port}"
            _wait_for(sim_port)
            env.setdefault("HL_MODEL_TARGETS", DEMO_TARGETS)
            env.setdefault("HL_SPOT_COINS", ",".join(DEMO_SPOT_COINS))
            helpers.append((_cli("collect", env=env), 20.0))
        print(f"Dagster UI on http://127.0.0.1:{port}, data from {env['HL_API_URL']}", flush=True)
        env["VIRTUAL_ENV"] = sys.prefix  # `dg dev` runs the project in this interpreter's venv
        level = "info" if verbose else "warning"
        ui = _spawn([_dg(), "dev", "-h", "127.0.0.1", "-p", str(port), "--log-level", level], env)
        return ui.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):  # a second signal must not cut the shutdown short
            signal.signal(sig, signal.SIG_IGN)
        for child, grace in ([(ui, 15.0)] if ui else []) + helpers[::-1]:
            stop_group(child, grace)


def _dg() -> str:
    """The `dg` command beside this interpreter (the venv's)."""
    return str(Path(sys.executable).with_name("dg"))

"""`simulator serve`: options and the foreground server."""

from __future__ import annotations

import argparse
import threading
import time

import pytest
import requests

from hl_pipeline.simulator import cli


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_options_build_the_config():
    config = cli.config_from(
        _args(
            "--seed",
            "5",
            "--no-retention",
            "--no-rate-limit",
            "--fault",
            "server_error=0.25",
            "--fault",
            "rate_limit_burst=3",
        )
    )
    assert (config.seed, config.retention, config.rate_limit) == (5, None, False)
    assert config.faults.server_error == 0.25 and config.faults.rate_limit_burst == 3
    with pytest.raises(ValueError):
        cli.config_from(_args("--fault", "meteor=1"))


def test_run_serves_until_stopped(capsys):
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(cli.run(_args("--port", "0"), stop)))
    thread.start()
    out, deadline = "", time.monotonic() + 30
    while "http://" not in out:  # until it says where it listens (a bound, not a pace)
        assert time.monotonic() < deadline and thread.is_alive(), out
        time.sleep(0.05)
        out += capsys.readouterr().out
    url = out.split()[out.split().index("on") + 1]
    assert requests.post(url + "/info", json={"type": "meta"}, timeout=5).status_code == 200
    stop.set()
    thread.join(timeout=10)
    assert result == [0]

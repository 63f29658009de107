"""`simulator serve`: options and the foreground server."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
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


BAD_VALUES = [
    (("--fault", "server_error=5"), "--fault server_error=5", "'5'"),
    (("--fault", "nan"), "--fault", "'nan'"),
    (("--fault", "server_error=nan"), "--fault server_error=nan", "'nan'"),
    (("--fault", "server_error=abc"), "--fault server_error=abc", "'abc'"),
    (("--fault", "rate_limit_burst=-3"), "--fault rate_limit_burst=-3", "'-3'"),
    (("--fault", "rate_limit_burst=1.5"), "--fault rate_limit_burst=1.5", "'1.5'"),
    (("--fault", "slow_seconds=-1"), "--fault slow_seconds=-1", "'-1'"),
    (("--fault", "meteor=1"), "--fault", "'meteor=1'"),
    (("--fault", "slow="), "--fault", "'slow='"),
    (("--port", "abc"), "--port", "'abc'"),
    (("--port", "70000"), "--port", "'70000'"),
    (("--port", "-1"), "--port", "'-1'"),
    (("--seed", "x"), "--seed", "'x'"),
    (("--seed", "-2"), "--seed", "'-2'"),
    (("--signal-strength", "-0.1"), "--signal-strength", "'-0.1'"),
    (("--signal-strength", "inf"), "--signal-strength", "'inf'"),
    (("--ws-stream-rate", "0"), "--ws-stream-rate", "'0'"),
    (("--ws-stream-rate", "fast"), "--ws-stream-rate", "'fast'"),
    (("--ws-book-ms", "0"), "--ws-book-ms", "'0'"),
    (("--ws-book-jitter", "-1"), "--ws-book-jitter", "'-1'"),
]


@pytest.mark.parametrize(("argv", "flag", "value"), BAD_VALUES)
def test_a_bad_value_is_one_line_naming_it_and_status_2(capsys, argv, flag, value):
    assert cli.run(_args(*argv), threading.Event()) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1, err
    assert flag in err and value in err


def test_a_port_in_use_is_one_line_and_status_2(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.run(_args("--port", str(port)), threading.Event()) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [
        f"hl-pipeline simulator serve: --port {port} on 127.0.0.1 is already in use"
    ]


def test_the_command_line_exits_2_on_a_bad_flag():
    """Through `hl-pipeline` itself: the status and the one line reach the shell."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from hl_pipeline.cli import main; sys.exit(main())",
            "simulator",
            "serve",
            "--fault",
            "server_error=abc",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr.splitlines() == [
        "hl-pipeline simulator serve: --fault server_error=abc: 'abc' is not a number"
    ]

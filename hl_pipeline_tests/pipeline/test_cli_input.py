"""Bad input to `hl-pipeline backfill`: a clear error naming the value, exit 2, nothing written.
An unreachable API: an error naming the URL and how to start the simulator, exit 1."""

import socket

import pytest

from hl_pipeline.cli import main
from hl_pipeline.exchange.transport import InfoTransport
from hl_pipeline.lake.calendar import iso_ms
from hl_pipeline_tests.conftest import TEST_NOW_MS


@pytest.mark.parametrize(
    "args, named",
    [
        (["--start", "2024-02-30", "--end", "2024-02-29"], "2024-02-30"),
        (["--start", "2024-02-29", "--end", "2024-02-28"], "after end"),
        (["--start", "2023-06-01", "--end", "2023-06-02"], "before the first partition"),
        (["--start", "2024-02-29", "--end", "2024-03-05"], "after today"),
        (["--start", "2024-02-29", "--end", "2024-02-29", "--coins", "BTC,BTCC"], "did you mean"),
        (["--start", "2024-02-29", "--end", "2024-02-29", "--coins", "BTC,,ETH"], "BTC,,ETH"),
        (["--start", "2024-02-29", "--end", "2024-02-29", "--intervals", "1m,2m"], "2m"),
    ],
)
def test_bad_backfill_input(pipeline_env, capsys, args, named):
    assert main(["backfill", *args]) == 2
    err = capsys.readouterr().err
    assert "error" in err and named in err
    assert not pipeline_env.exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_api_names_the_url_and_how_to_start_the_simulator(tmp_path, monkeypatch, capsys):
    url = f"http://127.0.0.1:{_closed_port()}"
    lake = tmp_path / "lake"
    monkeypatch.setenv("HL_API_URL", url)
    monkeypatch.setenv("HL_LAKE_ROOT", str(lake))
    monkeypatch.setenv("HL_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("HL_AS_OF", iso_ms(TEST_NOW_MS))
    monkeypatch.setenv("HL_COINS", "BTC")
    monkeypatch.setattr(InfoTransport, "backoff", lambda self, attempt: 0.0)  # retry at once
    assert main(["backfill", "--start", "2024-02-29", "--end", "2024-02-29"]) == 1
    err = capsys.readouterr().err
    assert f"{url}/info" in err and "Connection refused" in err
    assert "hl-pipeline simulator serve --port" in err and "make dev" in err
    assert not lake.exists()


@pytest.mark.parametrize(
    "url, hinted",
    [
        ("http://127.0.0.1:8787/info", True),
        ("http://localhost:8787/info", True),
        ("http://[::1]:8787/info", True),
        ("https://api.hyperliquid.xyz/info", False),
        ("http://10.0.0.5:8787/info", False),
    ],
)
def test_only_loopback_urls_get_the_simulator_hint(url, hinted):
    from hl_pipeline.exchange.errors import unreachable_hint

    hint = unreachable_hint(url)
    assert bool(hint) == hinted
    assert not hinted or "--port 8787" in hint


@pytest.mark.parametrize(
    "name, value, named",
    [
        (
            "HL_LAKE_ROOT",
            "/proc/no-lake-here",
            "HL_LAKE_ROOT '/proc/no-lake-here' is not a writable directory",
        ),
        ("HL_START_DATE", "20240101", "malformed HL_START_DATE '20240101'"),
        ("HL_AS_OF", "2999-01-01T00:00:00Z", "lies in the future"),
    ],
)
def test_bad_settings_stop_before_anything_is_written(pipeline_env, monkeypatch, capsys, name, value, named):
    monkeypatch.setenv(name, value)
    assert main(["backfill", "--start", "2024-02-29", "--end", "2024-02-29"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0]
    assert not pipeline_env.exists()


def test_a_lake_root_that_is_a_file_is_refused(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "lake"
    blocker.write_text("not a lake")
    monkeypatch.setenv("HL_LAKE_ROOT", str(blocker / "inner"))
    assert main(["backfill", "--start", "2024-02-29", "--end", "2024-02-29"]) == 2
    assert "is not a writable directory" in capsys.readouterr().err
    assert blocker.read_text() == "not a lake"


def test_a_backfill_sweeps_temporaries_killed_writers_left_and_bad_input_leaves_them(
    pipeline_env, instance, capsys
):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    part = pipeline_env / "candles" / "coin=BTC" / "date=2024-02-29"
    part.mkdir(parents=True)
    left = part / f".part-0.parquet.tmp-{proc.pid}-0123abcd"
    left.write_bytes(b"half a file")
    assert main(["backfill", "--start", "2024-02-29", "--end", "2024-02-28"]) == 2
    assert left.exists()  # bad input changes nothing
    assert main(["backfill", "--start", "2024-02-29", "--end", "2024-02-29"]) == 0
    assert not left.exists() and "removed 1 temporary file(s)" in capsys.readouterr().out

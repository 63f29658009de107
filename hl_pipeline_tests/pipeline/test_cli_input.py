"""Bad input to `hl-pipeline backfill`: a clear error naming the value, exit 2, nothing written.
An unreachable API: an error naming the URL and how to start the simulator, exit 1."""

import socket

import pytest

from hl_pipeline.cli import main
from hl_pipeline.exchange.transport import InfoTransport
from hl_pipeline.lake.calendar import iso_ms
from hl_pipeline_tests.conftest import TEST_NOW_MS
from hl_pipeline_tests.test_settings import BAD_VALUES


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


def _tree(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def written_lake(pipeline_env):
    """A lake holding one partition, to show bad input leaves it byte for byte as it was."""
    from hl_pipeline.lake.manifest import Manifest
    from hl_pipeline.lake.writer import write_partition
    from hl_pipeline_tests.lake.helpers import candles_1m

    table = candles_1m(10)
    write_partition(pipeline_env, table, Manifest.for_table("candles", "2024-02-29", "BTC", table, "test"))
    return pipeline_env


SETTINGS = [
    *BAD_VALUES,
    ("HL_COINS", " "),
    ("HL_LAKE_ROOT", "/proc/no-lake-here"),
    ("HL_WAREHOUSE", "/proc/no-catalog-here/warehouse.duckdb"),
]


@pytest.mark.parametrize("name, value", SETTINGS)
def test_every_bad_setting_stops_with_one_line_naming_it_and_the_lake_unchanged(
    written_lake, monkeypatch, capsys, name, value
):
    before = _tree(written_lake)
    monkeypatch.setenv(name, value)
    assert main(["backfill", "--start", "2024-02-29", "--end", "2024-02-29"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and name in err[0] and value.strip().split(",")[-1] in err[0], err
    assert _tree(written_lake) == before


FLAGS = [
    (["backfill", "--start", "2024-02-29", "--end", "2024-02-29", "--intervals", "1d"], "--intervals '1d'"),
    (["backfill", "--start", "2024-02-29", "--end", "2024-02-29", "--intervals", "7m"], "'7m'"),
    (["backfill", "--start", "29/02/2024", "--end", "2024-02-29"], "'29/02/2024'"),
    (["backfill", "--start", "2024-02-29", "--end", "2024-02-29", "--coins", " "], "--coins"),
    (["demo", "--days", "0"], "--days 0"),
    (["demo", "--signal-strength", "-1"], "--signal-strength -1"),
    (["demo", "--signal-strength", "nan"], "--signal-strength nan"),
    (["demo", "--targets", "DOGE_5m"], "DOGE_5m"),
    (["collect", "--coins", "BTC,,ETH", "--seconds", "1"], "BTC,,ETH"),
    (["collect", "--seconds", "-5"], "--seconds -5"),
    (["collect", "--seconds", "1", "--landing", "/proc/no-landing"], "--landing '/proc/no-landing'"),
]


@pytest.mark.parametrize("argv, named", FLAGS, ids=[" ".join(a[:1] + a[-2:]) for a, _ in FLAGS])
def test_every_bad_flag_stops_with_one_line_naming_it_and_the_lake_unchanged(
    written_lake, capsys, argv, named
):
    before = _tree(written_lake)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0], err
    assert _tree(written_lake) == before


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

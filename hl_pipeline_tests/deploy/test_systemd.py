"""The systemd units pass `systemd-analyze verify`, with their executables pointed at this venv."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hl_pipeline_tests.deploy.paths import DEPLOY

UNITS = DEPLOY / "systemd"
INSTANCES = {
    "hl-collector@.service": "hl-collector@0.service",
    "hl-celery-worker@.service": "hl-celery-worker@1.service",
}


def _verify(folder: Path, names: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(folder / n) for n in names)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _installed(tmp_path: Path) -> list[str]:
    """The units as installed on this machine: /opt/hl-pipeline/.venv is this venv; templates as instances."""
    names = []
    venv = str(Path(sys.executable).parent.parent)
    for unit in sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.target")):
        name = INSTANCES.get(unit.name, unit.name)
        (tmp_path / name).write_text(unit.read_text().replace("/opt/hl-pipeline/.venv", venv))
        names.append(name)
    return names


@pytest.fixture
def analyze():
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")


def test_every_unit_verifies_cleanly(analyze, tmp_path):
    names = _installed(tmp_path)
    assert {"hl-dagster-webserver.service", "hl-dagster-daemon.service", "hl-collector@0.service"} <= set(
        names
    )
    assert {"hl-celery-worker@1.service", "hl-exporter.service", "hl-pipeline.target"} <= set(names)
    done = _verify(tmp_path, names)
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), done.stderr


def test_verify_catches_a_bad_setting_and_a_missing_executable(analyze, tmp_path):
    names = _installed(tmp_path)
    unit = tmp_path / "hl-exporter.service"
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restart=sometimes"))
    assert "Failed to parse service restart specifier" in _verify(tmp_path, ["hl-exporter.service"]).stderr
    collector = tmp_path / "hl-collector@0.service"
    collector.write_text(collector.read_text().replace(str(Path(sys.executable).parent), "/nowhere"))
    done = _verify(tmp_path, ["hl-collector@0.service"])
    assert done.returncode != 0 and "/nowhere/hl-pipeline is not executable" in done.stderr
    assert names


def test_the_collector_units_run_commands_the_cli_accepts():
    from hl_pipeline.cli import _parser

    text = (UNITS / "hl-collector@.service").read_text()
    start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    argv = start.removeprefix("ExecStart=").split()[1:]
    args = _parser().parse_args([a.replace("%i", "1").replace("${HL_COLLECTOR_SHARDS}", "2") for a in argv])
    assert (args.command, args.shard, args.metrics_port) == ("collect", "1/2", 9201)
    celery = (UNITS / "hl-celery-worker@.service").read_text()
    assert "KillMode=control-group" in celery  # the wrapper's celery child dies with it

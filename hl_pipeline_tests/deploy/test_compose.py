"""deploy/compose.yaml and deploy/Dockerfile: `docker compose config` where Docker Compose exists,
and always a parse check: the services of the whole stack, their dependencies and ports, and every
hl-pipeline command accepted by the CLI."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hl_pipeline.cli import _parser
from hl_pipeline_tests.deploy.paths import DEPLOY

ROOT = DEPLOY.parent
STACK = {
    "postgres",
    "redis",
    "s3",
    "webserver",
    "daemon",
    "worker-1",
    "worker-2",
    "collector-0",
    "collector-1",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_docker_compose_config_accepts_it():
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode:
        pytest.skip("Docker Compose is not installed here; the parse checks below still run")
    done = subprocess.run(
        [docker, "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "-q"], capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()


def test_the_whole_stack_is_there_and_wired(compose):
    services = compose["services"]
    assert set(services) >= STACK
    ports = []
    for name, service in services.items():
        assert "image" in service, name
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)
        ports += [p.rsplit(":", 1)[0] for p in service.get("ports", [])]
    assert len(ports) == len(set(ports)), "two services publish the same host port"
    app = [s for s in services.values() if s.get("image") == "hl-pipeline:latest"]
    assert all(s["environment"]["DAGSTER_PG_HOST"] == "postgres" for s in app)
    assert all(s["environment"]["DAGSTER_CELERY_BROKER_URL"].startswith("redis://redis:") for s in app)


def test_every_command_exists_and_the_cli_accepts_ours(compose):
    bin_dir = Path(sys.executable).parent
    shards = []
    for name, service in compose["services"].items():
        command = service.get("command")
        if not command or service.get("image") != "hl-pipeline:latest":
            continue
        assert (bin_dir / command[0]).exists(), (name, command[0])
        if command[0] == "hl-pipeline":
            args = _parser().parse_args(command[1:])
            if args.command == "collect":
                shards.append(args.shard)
                assert service["environment"]["HL_COLLECTOR_SHARDS"] == args.shard.split("/")[1]
    assert sorted(shards) == ["0/2", "1/2"]


def test_the_dockerfile_is_multi_stage_and_not_root():
    lines = [ln.strip() for ln in (DEPLOY / "Dockerfile").read_text().splitlines()]
    stages = [ln.split()[-1] for ln in lines if ln.startswith("FROM ")]
    assert stages == ["build", "runtime"]
    runtime = lines[next(i for i, ln in enumerate(lines) if ln.endswith("AS runtime")) :]
    users = [ln.split()[1] for ln in runtime if ln.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert not any("--from=build" not in ln and "/opt/venv" in ln and ln.startswith("RUN") for ln in runtime)
    for line in lines:
        if line.startswith("COPY") and "--from=" not in line:
            for source in [w for w in line.split()[1:-1] if not w.startswith("--")]:
                assert (ROOT / source).exists(), source

"""`hl-pipeline stack up|down|status` (`make stack`): the production profile on this machine.

PostgreSQL (Dagster's storage and MLflow's), Redis (the Celery broker and result backend), a
local S3 server (moto), Celery workers and the Dagster daemon, each started by hand on loopback
with its data, logs and pid files under one folder (`.stack/` by default). Every long-lived
process but PostgreSQL leads a process group of its own, and `down` stops each group (a
`dagster-celery` wrapper's `celery` child included); PostgreSQL stops through `pg_ctl`.
`<root>/env` holds the variables that point a shell (`. .stack/env`) at the stack."""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from hl_pipeline.errors import PreconditionError

REPO = Path(__file__).resolve().parents[2]
PROFILE = REPO / "deploy" / "production"
PG_USER = "dagster"
PG_DATABASES = ("dagster", "mlflow")
BUCKETS = ("lake", "mlflow")


@dataclasses.dataclass(frozen=True)
class StackConfig:
    """Where the stack keeps its state, which loopback ports it listens on, how many workers."""

    root: Path = Path(".stack")
    pg_port: int = 55432
    redis_port: int = 56379
    s3_port: int = 55000
    workers: int = 2
    pg_password: str = "hl-stack"  # a loopback-only development database; production sets its own
    visibility_timeout: int | None = None  # seconds; None keeps deploy/production/celery.yaml's

    @property
    def home(self) -> Path:
        """DAGSTER_HOME: holds the production profile's dagster.yaml."""
        return self.root.resolve() / "dagster_home"

    def env(self) -> dict[str, str]:
        """The variables every process of the stack gets (and `<root>/env` exports)."""
        redis = f"redis://127.0.0.1:{self.redis_port}"
        pg = f"{PG_USER}:{self.pg_password}@127.0.0.1:{self.pg_port}"
        return {
            "DAGSTER_HOME": str(self.home),
            "DAGSTER_PG_USER": PG_USER,
            "DAGSTER_PG_PASSWORD": self.pg_password,
            "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_PORT": str(self.pg_port),
            "DAGSTER_PG_DB": "dagster",
            "DAGSTER_CELERY_BROKER_URL": f"{redis}/0",
            "DAGSTER_CELERY_BACKEND_URL": f"{redis}/1",
            "HL_EXECUTOR": "celery",
            "MLFLOW_BACKEND_STORE_URI": f"postgresql+psycopg2://{pg}/mlflow",
            "HL_MLFLOW_URI": f"postgresql+psycopg2://{pg}/mlflow",  # the pipeline's runs and registry
            "HL_MLFLOW_ARTIFACTS": "s3://mlflow",
            "HL_LAKE_ROOT": "s3://lake",  # every worker reads and writes the one lake
            "MLFLOW_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_ACCESS_KEY_ID": "testing",  # moto takes any credentials
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }


def _mlflow_tables(config: StackConfig) -> None:
    """MLflow's tables in its database, made once here rather than by two workers' first runs at once."""
    from mlflow import MlflowClient

    MlflowClient(tracking_uri=config.env()["HL_MLFLOW_URI"]).search_experiments(max_results=1)


def worker_names(config: StackConfig) -> list[str]:
    return [f"worker{i}" for i in range(1, config.workers + 1)]


def up(config: StackConfig, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Start whatever part of the stack is not running; return the environment of its processes.

    `environ` (default os.environ) supplies the HL_* settings the workers and daemon load the code
    location with."""
    root = config.root.resolve()
    (root / "logs").mkdir(parents=True, exist_ok=True)
    (root / "pids").mkdir(exist_ok=True)
    env = {**(os.environ if environ is None else environ), **config.env()}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # celery, dagster
    _write_env(root / "env", config.env())
    start_postgres(config)
    _start(root, "redis", [_binary("redis-server"), *_redis_args(config)], env)
    _wait_port(config.redis_port, "redis-server", root / "logs" / "redis.log")
    _start(root, "s3", [_venv("moto_server"), "-H", "127.0.0.1", "-p", str(config.s3_port)], env)
    _wait_port(config.s3_port, "moto_server", root / "logs" / "s3.log")
    _buckets(config)
    _mlflow_tables(config)
    config.home.mkdir(exist_ok=True)
    shutil.copyfile(PROFILE / "dagster.yaml", config.home / "dagster.yaml")
    _run([_venv("dagster"), "instance", "migrate"], env, root / "logs" / "migrate.log")
    _celery_yaml(config)
    for name in worker_names(config):
        start_worker(config, name, env)
    workspace = ["-w", str(REPO / "workspace.yaml")]
    _start(root, "daemon", [_venv("dagster-daemon"), "run", *workspace], env)
    return env


def start_worker(config: StackConfig, name: str, env: Mapping[str, str]) -> None:
    """A Celery worker named `name@<host>` running one step at a time."""
    yaml = str(config.root.resolve() / "celery.yaml")
    args = ["worker", "start", "-A", "dagster_celery.app", "-y", yaml, "-n", name]
    _start(config.root.resolve(), name, [_venv("dagster-celery"), *args, "--", "--concurrency=1"], env)


def _celery_yaml(config: StackConfig) -> None:
    """The workers' settings: deploy/production/celery.yaml, with the visibility timeout asked for."""
    import yaml

    settings = yaml.safe_load((PROFILE / "celery.yaml").read_text())
    if config.visibility_timeout is not None:
        options = settings["execution"]["config"]["config_source"]["broker_transport_options"]
        options["visibility_timeout"] = config.visibility_timeout
    (config.root.resolve() / "celery.yaml").write_text(yaml.safe_dump(settings))


def down(config: StackConfig) -> list[str]:
    """Stop the daemon, the workers, S3 and Redis (all at once), then PostgreSQL; say what was stopped."""
    root = config.root.resolve()
    stopped = stop(root, ["daemon", *worker_names(config), "s3", "redis"], grace=30.0)
    data = root / "pg"
    if (data / "postmaster.pid").exists():
        _pg(["pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"], root / "logs" / "postgres.log")
        stopped.append("postgres")
    return stopped


def status(config: StackConfig) -> dict[str, bool]:
    """Each part of the stack: running or not."""
    root = config.root.resolve()
    parts = {name: _alive(_pid(root, name)) for name in ["daemon", *worker_names(config), "s3", "redis"]}
    parts["postgres"] = _port_open(config.pg_port) and (root / "pg" / "postmaster.pid").exists()
    return parts


def stop(root: Path, names: list[str], grace: float) -> list[str]:
    """SIGTERM to each named process group at once (a worker finishes its step), SIGKILL to what is
    left after `grace` seconds; the names that were running."""
    groups = {name: _pid(root, name) for name in names}
    for name in names:
        (root / "pids" / f"{name}.pid").unlink(missing_ok=True)
    running = {name: pgid for name, pgid in groups.items() if pgid is not None and _alive(pgid)}
    for pgid in running.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while any(_alive(pgid) for pgid in running.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pgid in running.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    return list(running)


def kill(root: Path, name: str) -> None:
    """SIGKILL to `name`'s whole process group at once, as a machine's crash would end it."""
    pgid = _pid(root, name)
    assert pgid is not None, f"{name} is not running"
    os.killpg(pgid, signal.SIGKILL)
    while _alive(pgid):
        time.sleep(0.1)


def crash_postgres(config: StackConfig) -> None:
    """Stop PostgreSQL as a crash would: every server process aborts at once, without a checkpoint,
    and the next start recovers from the write-ahead log (`pg_ctl -m immediate`)."""
    root = config.root.resolve()
    _pg(["pg_ctl", "-D", str(root / "pg"), "-m", "immediate", "-w", "stop"], root / "logs" / "postgres.log")


def _write_env(path: Path, variables: Mapping[str, str]) -> None:
    path.write_text("".join(f"export {k}={v}\n" for k, v in variables.items()))


def _redis_args(config: StackConfig) -> list[str]:
    data = config.root.resolve() / "redis"
    data.mkdir(exist_ok=True)
    port = str(config.redis_port)
    return ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(data)]


def start_postgres(config: StackConfig) -> None:
    """Initialise the cluster the first time, start it unless it listens, create the databases."""
    root = config.root.resolve()
    data, log = root / "pg", root / "logs" / "postgres.log"
    if not (data / "PG_VERSION").exists():
        data.mkdir(mode=0o700, exist_ok=True)
        password = root / "pg.password"
        password.write_text(config.pg_password + "\n")
        _for_postgres(root, data, password)
        _pg(
            [
                *("initdb", "-D", str(data), "-U", PG_USER, f"--pwfile={password}"),
                *("--auth-host=scram-sha-256", "--auth-local=trust", "--encoding=UTF8"),
            ],
            log,
        )
        password.unlink()
    if not _port_open(config.pg_port):
        options = f"-p {config.pg_port} -k {data} -c listen_addresses=127.0.0.1"
        server_log = root / "logs" / "postgres-server.log"  # written by the server itself
        _pg(["pg_ctl", "-D", str(data), "-o", options, "-l", str(server_log), "-w", "start"], log)
    _databases(config)


def _databases(config: StackConfig) -> None:
    import psycopg2

    connection = psycopg2.connect(
        host="127.0.0.1", port=config.pg_port, user=PG_USER, password=config.pg_password, dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:  # autocommit: CREATE DATABASE refuses a transaction
        for name in PG_DATABASES:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _for_postgres(root: Path, *paths: Path) -> None:
    """PostgreSQL refuses to run as root: as root, its files belong to the `postgres` user."""
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam("postgres")
    root.chmod(0o755)  # the server must reach its data folder
    for path in paths:
        os.chown(path, user.pw_uid, user.pw_gid)
    (root / "logs").chmod(0o777)


def _pg(args: list[str], log: Path) -> None:
    command = [str(_pg_binary(args[0])), *args[1:]]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    _run(command, dict(os.environ), log)


def _pg_binary(name: str) -> Path:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise PreconditionError(f"{name} not found: install PostgreSQL (`make system-deps`)")
    return Path(found[-1])


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PreconditionError(f"{name} not found: install it (`make system-deps`)")
    return path


def _venv(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _run(command: list[str], env: Mapping[str, str], log: Path) -> None:
    with log.open("ab") as out:
        done = subprocess.run(command, env=dict(env), stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        last = log.read_text(errors="replace").strip().splitlines()[-1:]
        raise PreconditionError(f"{Path(command[0]).name} failed ({done.returncode}): {last}; see {log}")


def _start(root: Path, name: str, command: list[str], env: Mapping[str, str]) -> None:
    """`command` as the leader of a new process group, unless `name` runs already."""
    if _alive(_pid(root, name)):
        return
    with (root / "logs" / f"{name}.log").open("ab") as log:
        child = subprocess.Popen(
            command, env=dict(env), cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    (root / "pids" / f"{name}.pid").write_text(f"{child.pid}\n")


def _pid(root: Path, name: str) -> int | None:
    path = root / "pids" / f"{name}.pid"
    return int(path.read_text()) if path.exists() else None


def _alive(pgid: int | None) -> bool:
    """Whether the process group `pgid` has a live member (zombies of this process reaped first)."""
    if pgid is None:
        return False
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pgid, os.WNOHANG)
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_port(port: int, what: str, log: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not _port_open(port):
        if time.monotonic() > deadline:
            raise PreconditionError(
                f"{what} did not listen on 127.0.0.1:{port} within {seconds:g} s; see {log}"
            )
        time.sleep(0.1)


def _buckets(config: StackConfig) -> None:
    import requests

    for bucket in BUCKETS:
        requests.put(f"http://127.0.0.1:{config.s3_port}/{bucket}", timeout=10).raise_for_status()


def stack(action: str, root: str) -> int:
    """The CLI: `up` prints where everything listens, `status` exits 1 when a part is down."""
    config = StackConfig(root=Path(root))
    if action == "up":
        start = time.monotonic()
        up(config)
        print(
            f"stack up in {time.monotonic() - start:.1f} s under {config.root}: PostgreSQL 127.0.0.1:"
            f"{config.pg_port}, Redis :{config.redis_port}, S3 (moto) :{config.s3_port}, "
            f"{config.workers} Celery workers, the Dagster daemon.\n"
            f"`. {config.root}/env` points a shell at it (HL_EXECUTOR=celery); logs in {config.root}/logs"
        )
        return 0
    if action == "down":
        stopped = down(config)
        print(f"stopped: {', '.join(stopped) or 'nothing was running'}")
        return 0
    parts = status(config)
    for name, running in parts.items():
        print(f"{name:10} {'running' if running else 'stopped'}")
    return 0 if all(parts.values()) else 1

"""Where MLflow keeps runs, artifacts and the registry, and a guard against a bad store."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hl_pipeline.registry.errors import RegistryError

if TYPE_CHECKING:
    from hl_pipeline.settings import Settings

_TABLES = {"experiments", "runs", "registered_models", "model_versions", "registered_model_aliases"}


@dataclass(frozen=True)
class Tracking:
    """`sqlite:///<root>/mlruns/mlflow.db` with artifacts under `<root>/mlruns/artifacts`, unless
    `uri` names another store (PostgreSQL, a tracking server); a new experiment keeps its artifacts
    under `artifacts`/<experiment> when that is given (s3://bucket)."""

    root: Path = Path(".")
    experiment: str = "hl_pipeline"
    uri: str | None = None
    artifacts: str | None = None

    @classmethod
    def of(cls, settings: Settings) -> Tracking:
        """The store the settings name (HL_MLFLOW_URI, HL_MLFLOW_ARTIFACTS, HL_MLFLOW_ROOT)."""
        return cls(Path(settings.mlflow_root), uri=settings.mlflow_uri, artifacts=settings.mlflow_artifacts)

    @property
    def db_path(self) -> Path:
        return (Path(self.root) / "mlruns" / "mlflow.db").resolve()

    @property
    def tracking_uri(self) -> str:
        return self.uri or f"sqlite:///{self.db_path}"

    @property
    def artifact_root(self) -> Path:
        return (Path(self.root) / "mlruns" / "artifacts").resolve()

    def check(self, *, must_exist: bool) -> None:
        """Raise RegistryError if the sqlite store is unreadable, or missing when `must_exist`; never
        writes."""
        if self.uri is not None:
            return
        path = self.db_path
        if not path.exists():
            if must_exist:
                raise RegistryError(f"no MLflow registry at {path} (nothing has been trained yet?)")
            return
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise RegistryError(f"MLflow registry at {path} is unreadable: {exc}") from exc
        if not tables >= _TABLES:
            raise RegistryError(
                f"MLflow registry at {path} is not an MLflow store "
                f"(missing tables {sorted(_TABLES - tables)})"
            )

    def client(self, *, must_exist: bool = True):
        """An MlflowClient on this store, after `check`."""
        from mlflow import MlflowClient

        self.check(must_exist=must_exist)
        return MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)

    @contextlib.contextmanager
    def active(self):
        """Point the mlflow module at this store for the block (fluent APIs: runs, log_model); yields
        the experiment id."""
        import logging
        import warnings

        import mlflow

        logging.getLogger("mlflow").setLevel(logging.ERROR)  # advice on type hints and pickling, every run
        self.check(must_exist=False)
        before = mlflow.get_tracking_uri(), mlflow.get_registry_uri()
        mlflow.set_tracking_uri(self.tracking_uri)
        mlflow.set_registry_uri(self.tracking_uri)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                yield self._experiment_id()
        finally:
            mlflow.set_tracking_uri(before[0])
            mlflow.set_registry_uri(before[1])

    def local_artifacts(self, artifact_uri: str) -> Path:
        """A folder of artifacts on this machine: read in place from a file store (no copy, no
        progress bar), else downloaded to a temporary folder."""
        from urllib.parse import unquote, urlparse

        import mlflow

        parsed = urlparse(artifact_uri)
        if parsed.scheme in ("", "file"):
            return Path(unquote(parsed.path))
        with self.active():
            return Path(mlflow.artifacts.download_artifacts(artifact_uri=artifact_uri))

    def _experiment_id(self) -> str:
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException

        if self.uri is None:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        client = MlflowClient(tracking_uri=self.tracking_uri)
        found = client.get_experiment_by_name(self.experiment)
        if found is not None:
            return found.experiment_id
        if self.artifacts is not None:
            location: str | None = f"{self.artifacts}/{self.experiment}"
        else:
            location = None if self.uri else (self.artifact_root / self.experiment).as_uri()
        try:
            return client.create_experiment(self.experiment, artifact_location=location)
        except MlflowException:  # another process made it meanwhile (two workers' first runs)
            found = client.get_experiment_by_name(self.experiment)
            if found is None:
                raise
            return found.experiment_id

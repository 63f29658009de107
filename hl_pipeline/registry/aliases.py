"""Registry aliases: who is champion, applying a gate decision, rolling back."""

from __future__ import annotations

from collections.abc import Mapping

from hl_pipeline.registry.errors import NothingToRollBack, RegistryError
from hl_pipeline.registry.tracking import Tracking

CHAMPION, PREVIOUS, CHALLENGER = "champion", "previous_champion", "challenger"
_PREDECESSOR = "promotion.previous_version"  # version tag: the champion this one replaced


def newest_version(tracking: Tracking, name: str):
    """The highest-numbered ModelVersion of `name`, or None if it has none."""
    versions = tracking.client().search_model_versions(f"name='{name}'")
    return max(versions, key=lambda v: int(v.version), default=None)


def version_count(tracking: Tracking, name: str) -> int:
    """How many versions of `name` were ever registered (each is one training)."""
    return len(tracking.client().search_model_versions(f"name='{name}'"))


def version_at(tracking: Tracking, name: str, alias: str):
    """The ModelVersion holding `alias`, or None; RegistryError if the store or the model is missing."""
    from mlflow.exceptions import MlflowException

    client = tracking.client()
    try:
        model = client.get_registered_model(name)
    except MlflowException as exc:
        raise RegistryError(f"no registered model {name!r} in {tracking.tracking_uri}") from exc
    return client.get_model_version(name, str(model.aliases[alias])) if alias in model.aliases else None


def apply(
    tracking: Tracking,
    name: str,
    version: str,
    promote: bool,
    tags: Mapping[str, str],
    run_id: str | None = None,
) -> None:
    """Record a gate decision's `tags` (on the version and its run) and move aliases: a promoted
    version becomes `champion` (the one it replaces `previous_champion`), otherwise `challenger`."""
    client = tracking.client()
    for key, value in tags.items():
        client.set_model_version_tag(name, version, key, value)
        if run_id:
            client.set_tag(run_id, key, value)
    if not promote:
        client.set_registered_model_alias(name, CHALLENGER, version)
        return
    old = version_at(tracking, name, CHAMPION)
    if old is not None and str(old.version) != str(version):
        client.set_registered_model_alias(name, PREVIOUS, str(old.version))
        client.set_model_version_tag(name, version, _PREDECESSOR, str(old.version))
    client.set_registered_model_alias(name, CHAMPION, version)
    challenger = version_at(tracking, name, CHALLENGER)
    if challenger is not None and str(challenger.version) == str(version):
        client.delete_registered_model_alias(name, CHALLENGER)


def rollback(tracking: Tracking, name: str) -> str:
    """Move `champion` back to `previous_champion`; returns the restored version. The restored
    version's own predecessor (if recorded) becomes the new `previous_champion`."""
    previous = version_at(tracking, name, PREVIOUS)
    if previous is None:
        raise NothingToRollBack(name)
    client = tracking.client()
    current = version_at(tracking, name, CHAMPION)
    client.set_registered_model_alias(name, CHAMPION, str(previous.version))
    if current is not None:
        client.set_model_version_tag(name, str(current.version), "rolled_back", "true")
    before = previous.tags.get(_PREDECESSOR)
    if before:
        client.set_registered_model_alias(name, PREVIOUS, before)
    else:
        client.delete_registered_model_alias(name, PREVIOUS)
    return str(previous.version)

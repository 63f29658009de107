"""Checks of the registry's state after a training and after a promotion, one `CheckOutcome` each."""

from __future__ import annotations

import math

from hl_pipeline.ml.models.target_keys import TargetKey
from hl_pipeline.quality.outcome import ERROR, CheckOutcome, jsonable
from hl_pipeline.registry.aliases import CHAMPION, newest_version, version_at
from hl_pipeline.registry.evaluations import FOLDER
from hl_pipeline.registry.tracking import Tracking


def model_sound(tracking: Tracking, target: str) -> CheckOutcome:
    """The newest version is registered, its run holds the evaluation, and every metric is finite."""
    name = TargetKey.parse(target).model_name

    def outcome(passed: bool, text: str, details: dict) -> CheckOutcome:
        return CheckOutcome("model_sound", target, passed, ERROR, text, jsonable(details))

    client = tracking.client()
    newest = newest_version(tracking, name)
    if newest is None:
        return outcome(False, f"no registered version of {name}", {})
    metrics = client.get_run(newest.run_id).data.metrics
    aggregate = {
        k: v for k, v in metrics.items() if k.count(".") == 1 and not k.startswith(("fold.", "backtest."))
    }
    bad = sorted(k for k, v in aggregate.items() if not math.isfinite(v))
    has_eval = any(a.path == FOLDER for a in client.list_artifacts(newest.run_id))
    accuracy = f"{newest.tags.get('candidate', 'xgboost')}.accuracy"  # of the chosen candidate
    details = {"version": newest.version, "run_id": newest.run_id, accuracy: metrics.get(accuracy)}
    if not has_eval:
        return outcome(False, f"{name} v{newest.version}: no evaluation artifact", details)
    if accuracy not in metrics or bad:
        return outcome(
            False, f"{name} v{newest.version}: bad metrics {bad or [accuracy + ' missing']}", details
        )
    return outcome(
        True, f"{name} v{newest.version}: {len(aggregate)} finite metrics, evaluation logged", details
    )


def promotion_recorded(tracking: Tracking, target: str) -> CheckOutcome:
    """The newest version carries its gate decision, and `champion` points at a version the gate promoted."""
    name = TargetKey.parse(target).model_name

    def outcome(passed: bool, text: str, details: dict) -> CheckOutcome:
        return CheckOutcome("promotion_recorded", target, passed, ERROR, text, jsonable(details))

    newest = newest_version(tracking, name)
    if newest is None or "gate.promote" not in newest.tags:
        return outcome(False, f"{name}: the newest version has no gate decision", {})
    champion = version_at(tracking, name, CHAMPION)
    details = {
        "newest": newest.version,
        "decision": newest.tags["gate.promote"],
        "reason": newest.tags.get("promotion_decision"),
        "champion": champion.version if champion else None,
    }
    if champion is not None and champion.tags.get("gate.promote") != "True":
        return outcome(False, f"{name}: champion v{champion.version} was never promoted by the gate", details)
    decided = "promoted" if newest.tags["gate.promote"] == "True" else "held"
    held_by = f"v{champion.version}" if champion else "none yet"
    return outcome(True, f"{name} v{newest.version}: {decided}; champion {held_by}", details)

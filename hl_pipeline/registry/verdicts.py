"""Checks of the registry's state after a training and after a promotion: (passed, text, details)."""

from __future__ import annotations

import math

from hl_pipeline.registry.aliases import CHAMPION, newest_version, version_at
from hl_pipeline.registry.evaluations import ARTIFACT
from hl_pipeline.registry.tracking import Tracking


def model_verdict(tracking: Tracking, name: str) -> tuple[bool, str, dict]:
    client = tracking.client()
    newest = newest_version(tracking, name)
    if newest is None:
        return False, f"no registered version of {name}", {}
    metrics = client.get_run(newest.run_id).data.metrics
    aggregate = {
        k: v for k, v in metrics.items() if k.count(".") == 1 and not k.startswith(("fold.", "backtest."))
    }
    bad = sorted(k for k, v in aggregate.items() if not math.isfinite(v))
    has_eval = any(a.path == ARTIFACT.split("/")[0] for a in client.list_artifacts(newest.run_id))
    details = {
        "version": newest.version,
        "run_id": newest.run_id,
        "xgboost.accuracy": metrics.get("xgboost.accuracy"),
    }
    if "xgboost.accuracy" not in metrics or bad or not has_eval:
        return (
            False,
            f"{name} v{newest.version}: "
            + (
                "no evaluation artifact"
                if not has_eval
                else f"bad metrics {bad or ['xgboost.accuracy missing']}"
            ),
            details,
        )
    return True, f"{name} v{newest.version}: {len(aggregate)} finite metrics, evaluation logged", details


def promotion_verdict(tracking: Tracking, name: str) -> tuple[bool, str, dict]:
    newest = newest_version(tracking, name)
    if newest is None or "gate.promote" not in newest.tags:
        return False, f"{name}: the newest version has no gate decision", {}
    champion = version_at(tracking, name, CHAMPION)
    details = {
        "newest": newest.version,
        "decision": newest.tags["gate.promote"],
        "reason": newest.tags.get("gate.reason"),
        "champion": champion.version if champion else None,
    }
    if champion is not None and champion.tags.get("gate.promote") != "True":
        return False, f"{name}: champion v{champion.version} was never promoted by the gate", details
    return (
        True,
        f"{name} v{newest.version}: {'promoted' if newest.tags['gate.promote'] == 'True' else 'held'}; "
        f"champion {f'v{champion.version}' if champion else 'none yet'}",
        details,
    )

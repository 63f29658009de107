"""Turning quality outcomes (one per check and day) into Dagster check events.

A single-partition run returns one `AssetCheckResult` per check, which Dagster records
against that partition. A single-run backfill has no single partition, so each day gets an
`AssetCheckEvaluation` of its own and the check's result summarises the range.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:  # the quality package imports pandas; keep it out of code-location load
    from hl_pipeline.quality.outcome import CheckOutcome


def run_dates(context: dg.AssetCheckExecutionContext) -> tuple[list[str], bool]:
    """The days the check covers, and whether the run is for a single partition."""
    op = context.op_execution_context
    return list(op.partition_keys), op.has_partition_key


def _severity(name: str) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.WARN if name == "WARN" else dg.AssetCheckSeverity.ERROR


def check_specs(
    asset,
    checks: dict[str, tuple[bool, str]],
    partitions_def: dg.PartitionsDefinition,
    extra_deps: dict[str, list] | None = None,
) -> list[dg.AssetCheckSpec]:
    """One spec per check of a catalog `{name: (blocking, what it asserts)}`."""
    return [
        dg.AssetCheckSpec(
            name,
            asset=asset,
            blocking=blocking,
            description=text,
            partitions_def=partitions_def,
            additional_deps=(extra_deps or {}).get(name),
        )
        for name, (blocking, text) in checks.items()
    ]


def _fields(asset_key: dg.AssetKey, name: str, o: CheckOutcome) -> dict:
    """What a check result and a per-partition evaluation of `o` both carry."""
    return {
        "asset_key": asset_key,
        "check_name": name,
        "passed": o.passed,
        "severity": _severity(o.severity),
        "description": o.description,
        "metadata": o.metadata,
    }


def check_events(
    asset_key: dg.AssetKey,
    outcomes: Sequence[CheckOutcome],
    single: bool,
    checks: dict[str, tuple[bool, str]],
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    """The events of a check catalog's outcomes (see the module docstring)."""
    by_check: dict[str, list[CheckOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_check[outcome.check].append(outcome)
    for name, outs in by_check.items():
        if single:
            (o,) = outs
            yield dg.AssetCheckResult(**_fields(asset_key, name, o))
            continue
        for o in outs:
            yield dg.AssetCheckEvaluation(
                **_fields(asset_key, name, o), partition=o.partition, blocking=checks[name][0]
            )
        failed = sorted(o.partition for o in outs if not o.passed)
        yield dg.AssetCheckResult(
            asset_key=asset_key,
            check_name=name,
            passed=not failed,
            severity=_severity(outs[0].severity),
            description=f"{len(outs) - len(failed)} of {len(outs)} days passed"
            + (f"; failed: {', '.join(failed[:10])}" if failed else ""),
            metadata={"days": len(outs), "failed_days": failed},
        )


def report(
    context: dg.AssetCheckExecutionContext,
    asset: str,
    outcomes: Sequence[CheckOutcome],
    checks: dict[str, tuple[bool, str]],
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    """The events of `outcomes` for the run of `context` (one partition or a range)."""
    return check_events(dg.AssetKey(asset), outcomes, run_dates(context)[1], checks)

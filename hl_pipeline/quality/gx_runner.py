"""Run a Great Expectations 1.x suite over a whole frame in one batch, with per-row results.

`great_expectations` takes seconds to import, so it is imported here lazily, once per process,
together with one ephemeral context and pandas batch definition reused by every validation.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RuleResult:
    """One expectation's verdict. `rows` holds the positions of unexpected rows, or is None
    when the expectation judges the frame as a whole (or raised, then `error` says why)."""

    check: str
    rule: str
    success: bool
    rows: np.ndarray | None
    observed: Any
    error: str | None


@functools.cache
def _batch_definition():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    asset = context.data_sources.add_pandas("hl_lake").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def suite(name: str, rules: list[tuple[str, Any]]):
    """An ExpectationSuite whose expectations each carry the check they belong to in `meta`."""
    import great_expectations as gx

    _batch_definition()  # a suite needs an active context
    built = gx.ExpectationSuite(name=name)
    for check, expectation in rules:
        expectation.meta = {"check": check}
        built.add_expectation(expectation)
    return built


def cached_suite(builder: Callable[..., Any]) -> Callable[..., Any]:
    """Memoise a suite builder per process (suites are immutable once built)."""
    return functools.cache(builder)


def _rule_name(kwargs: dict) -> str:
    columns = kwargs.get("column_list") or [
        kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)
    ]
    return ",".join(columns)


def _error(exception_info: dict) -> str | None:
    """The first exception message in GX's exception info (flat, or keyed by metric)."""
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    return next(
        (i.get("exception_message") for i in infos if isinstance(i, dict) and i.get("raised_exception")), None
    )


def _rule_results(validation) -> list[RuleResult]:
    results = []
    for r in validation.results:
        config = r.expectation_config
        error = _error(r.exception_info or {})
        index = r.result.get("unexpected_index_list")
        rows = np.asarray(index, dtype=np.int64) if index is not None and error is None else None
        results.append(
            RuleResult(
                check=config.meta["check"],
                rule=f"{config.type}({_rule_name(config.kwargs)})",
                success=bool(r.success),
                rows=rows,
                observed=r.result.get("observed_value"),
                error=error,
            )
        )
    return results


def run_suite(expectation_suite, df: pd.DataFrame) -> list[RuleResult]:
    """Validate `df` (consolidated, indexed by position) against the suite in one batch.

    A first pass asks only pass/fail (BOOLEAN_ONLY, the cheap path for good data); the
    expectations that failed are validated again with COMPLETE results to find their rows.
    """
    frame = df.copy()
    frame.index = pd.RangeIndex(len(frame))
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    first = batch.validate(expectation_suite, result_format="BOOLEAN_ONLY")
    failed = [r.expectation_config for r in first.results if not r.success]
    if not failed:
        return _rule_results(first)
    passed = [r for r in _rule_results(first) if r.success]
    retry = suite(
        f"{expectation_suite.name}_failures", [(c.meta["check"], c.to_domain_obj()) for c in failed]
    )
    return passed + _rule_results(batch.validate(retry, result_format={"result_format": "COMPLETE"}))

"""Population stability index (PSI) of served feature values against the training distribution.

The training step stores, per feature, `reference(values)`: a JSON-safe dict of quantile bin
edges and the training share of each bin (NaN is a bin of its own). A later daily run computes
`psi_table(stored, served_frame)` against it. Bins are (-inf, e0], (e0, e1], ..., (e_last, inf)
and NaN, so values outside the training range still land in the end bins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

PSI_MODERATE = 0.1
"""PSI at or above this: the distribution moved; worth a look."""
PSI_MAJOR = 0.25
"""PSI at or above this: a major shift; the model sees data unlike its training set."""
SHARE_FLOOR = 1e-4
"""Shares are floored at this before the logarithm, so an empty bin gives a large, finite term."""

ArrayLike: TypeAlias = np.ndarray | Sequence[float] | pd.Series


def reference_bins(values: ArrayLike, n_bins: int = 10) -> np.ndarray:
    """Interior bin edges at the training quantiles 1/n_bins .. (n_bins-1)/n_bins of the finite
    `values`, ascending and unique (ties collapse bins, so there can be fewer than n_bins; no
    finite value: no edges, one bin). Store them with `.tolist()`."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0 or n_bins == 1:
        return np.empty(0)
    return np.unique(np.quantile(v, np.arange(1, n_bins) / n_bins))


def bin_shares(edges: ArrayLike, values: ArrayLike) -> np.ndarray:
    """Share of `values` in each of the len(edges) + 1 value bins, then the NaN share (sums to 1;
    all zeros when `values` is empty)."""
    e = np.asarray(edges, dtype=float)
    v = np.asarray(values, dtype=float).ravel()
    missing = np.isnan(v)
    index = np.where(missing, e.size + 1, np.searchsorted(e, v, side="left"))
    counts = np.bincount(index, minlength=e.size + 2)
    return counts / v.size if v.size else counts.astype(float)


def reference(values: ArrayLike, n_bins: int = 10) -> dict[str, Any]:
    """What training stores for one feature: `edges`, `shares` (value bins then NaN) and `n`, all
    plain JSON types."""
    edges = reference_bins(values, n_bins)
    return {
        "edges": [float(x) for x in edges],
        "shares": [float(x) for x in bin_shares(edges, values)],
        "n": int(np.asarray(values).size),
    }


def references(frame: pd.DataFrame, features: Sequence[str], n_bins: int = 10) -> dict[str, dict[str, Any]]:
    """`reference` of each feature column of the training frame."""
    return {name: reference(frame[name].to_numpy(), n_bins) for name in features}


def psi(reference_edges: ArrayLike, reference_shares: ArrayLike | None, values: ArrayLike) -> float:
    """PSI = sum over bins of (served - reference) * ln(served / reference), shares floored at
    SHARE_FLOOR; NaN when `values` is empty. Without `reference_shares` the reference is taken as
    equal shares of the value bins and no NaN (exact only for untied, NaN-free training data)."""
    edges = np.asarray(reference_edges, dtype=float)
    if reference_shares is None:
        expected = np.r_[np.full(edges.size + 1, 1.0 / (edges.size + 1)), 0.0]
    else:
        expected = np.asarray(reference_shares, dtype=float)
        if expected.shape != (edges.size + 2,):
            raise ValueError(
                f"{expected.size} reference shares for {edges.size} edges: expected {edges.size + 2} "
                "(value bins, then NaN)"
            )
    if np.asarray(values).size == 0:
        return float("nan")
    actual = np.maximum(bin_shares(edges, values), SHARE_FLOOR)
    expected = np.maximum(expected, SHARE_FLOOR)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def level(value: float) -> str:
    """ "major", "moderate", "stable", or "unknown" (NaN) for a PSI value."""
    if not np.isfinite(value):
        return "unknown"
    return "major" if value >= PSI_MAJOR else "moderate" if value >= PSI_MODERATE else "stable"


def psi_table(reference: Mapping[str, Mapping[str, Any]], frame: pd.DataFrame) -> pd.DataFrame:
    """`feature`, `psi` and `n` (served rows) for every feature of `reference` (as `references`
    stores it), largest shift first; a feature absent from `frame` gets NaN and n = 0."""
    rows = []
    for name, ref in reference.items():
        if name not in frame.columns:
            rows.append((name, float("nan"), 0))
            continue
        values = frame[name].to_numpy(dtype=float, na_value=np.nan)
        rows.append((name, psi(ref["edges"], ref.get("shares"), values), int(values.size)))
    out = pd.DataFrame(rows, columns=["feature", "psi", "n"])
    return out.sort_values("psi", ascending=False, na_position="last", kind="stable").reset_index(drop=True)

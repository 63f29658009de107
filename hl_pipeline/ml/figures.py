"""Matplotlib without a screen, and a figure written as a PNG: shared by every plot of the project."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def pyplot():
    """matplotlib.pyplot on the Agg backend, imported on first use (it is slow to import)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_png(fig: Any, path: Path, dpi: int) -> Path:
    """Lay `fig` out, write it to `path` and free it."""
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    pyplot().close(fig)
    return path

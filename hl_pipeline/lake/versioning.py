"""The code version stamped on every manifest."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from hl_pipeline import __version__


@functools.cache
def code_version() -> str:
    """Package version plus the git commit when running from a checkout."""
    repo = Path(__file__).resolve().parents[2]
    try:
        sha = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+g{sha}" if sha else __version__

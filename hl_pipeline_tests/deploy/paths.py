"""Where the deploy/ files are."""

from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

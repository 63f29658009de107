"""Real recorded responses from /work/shared/fixtures/hyperliquid (see SOURCES.md there)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(os.environ.get("HL_FIXTURES", "/work/shared/fixtures/hyperliquid"))


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"recording {path} is not on this machine")
    return path


def cassette(name: str) -> list[tuple[dict, Any]]:
    """(request body, decoded response) of every interaction in a python-SDK vcrpy cassette."""
    import yaml

    data = yaml.safe_load(_require(FIXTURES / "python_sdk_cassettes" / f"{name}.yaml").read_text())
    return [
        (json.loads(i["request"]["body"]), json.loads(i["response"]["body"]["string"]))
        for i in data["interactions"]
    ]


def response(name: str, request_type: str) -> tuple[dict, Any]:
    """The one interaction of `request_type` in a cassette."""
    (found,) = [(req, resp) for req, resp in cassette(name) if req["type"] == request_type]
    return found


def json_file(relative: str) -> Any:
    return json.loads(_require(FIXTURES / relative).read_text())

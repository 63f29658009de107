"""Real recorded responses from /work/shared/fixtures/hyperliquid (see SOURCES.md there)."""

from __future__ import annotations

import json
import os
import re
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


def endpoint(name: str) -> Any:
    """The response body of a JKorf endpoint capture (lines: method, path, authenticated, body)."""
    lines = (
        _require(FIXTURES / "jkorf_hyperliquid_net" / "endpoints" / f"{name}.txt").read_text().split("\n", 3)
    )
    return json.loads(lines[3])


def ws_frames(name: str) -> list[Any]:
    """Server messages of a JKorf subscription capture: the `< ` ack, then each `= ` pushed update."""
    text = _require(FIXTURES / "jkorf_hyperliquid_net" / "subscriptions" / f"{name}.txt").read_text()
    blocks = re.split(r"^(?=[<=>] )", text, flags=re.MULTILINE)
    return [json.loads(b[2:]) for b in blocks if b.startswith(("< ", "= "))]


def missing_keys(recorded: Any, rebuilt: Any, where: str = "") -> list[str]:
    """Paths of `recorded` (decoded JSON) that `rebuilt` (a parser's output through `to_wire`) lacks.

    A `[[key, value], ...]` array may come back as a dict (the parsers read such maps into dicts)."""
    if isinstance(recorded, dict):
        if not isinstance(rebuilt, dict):
            return [where or "."]
        return [
            m
            for k, v in recorded.items()
            for m in ([f"{where}.{k}"] if k not in rebuilt else missing_keys(v, rebuilt[k], f"{where}.{k}"))
        ]
    if isinstance(recorded, list):
        if isinstance(rebuilt, dict) and all(isinstance(e, list) and len(e) == 2 for e in recorded):
            return [
                m
                for i, (k, v) in enumerate(recorded)
                for m in (
                    [f"{where}[{i}]"] if k not in rebuilt else missing_keys(v, rebuilt[k], f"{where}[{k!r}]")
                )
            ]
        if not isinstance(rebuilt, list) or len(rebuilt) != len(recorded):
            return [where or "."]
        return [
            m for i, (a, b) in enumerate(zip(recorded, rebuilt)) for m in missing_keys(a, b, f"{where}[{i}]")
        ]
    return []


def docs_example(request_type: str) -> Any:
    """The official docs' response example for `request_type`, from docs_examples.json beside this file."""
    return json.loads((Path(__file__).parent / "docs_examples.json").read_text())[request_type]

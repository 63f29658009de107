"""Is the collector alive? A verdict on its heartbeat file (see `health.Health`)."""

from __future__ import annotations

import json
from pathlib import Path


def heartbeat_verdict(state: dict | None, now: float, max_age: float) -> tuple[bool, str, dict]:
    """(passed, description, details): the heartbeat was written within `max_age` seconds and
    every channel's last message is that recent too."""
    if state is None:
        return False, "no heartbeat file: the collector has not run here (hl-pipeline collect)", {}
    age = now - float(state.get("time", 0))
    channels = state.get("channels", {})
    quiet = {
        ch: round(now - c["last_message"], 1)
        for ch, c in channels.items()
        if c.get("last_message") is None or now - c["last_message"] > max_age
    }
    details = {
        "heartbeat_age_s": round(age, 1),
        "connected": bool(state.get("connected")),
        "reconnects": state.get("reconnects", 0),
        "rates_per_s": {ch: c.get("per_second") for ch, c in channels.items()},
        "quiet_channels_s": quiet,
    }
    if age > max_age:
        return (
            False,
            f"heartbeat is {age:.0f} s old (limit {max_age:g} s): the collector is not running",
            details,
        )
    if not channels:
        return False, "the collector is running but has received no message yet", details
    if quiet:
        return False, f"no message for over {max_age:g} s on {', '.join(sorted(quiet))}", details
    return True, f"heartbeat {age:.0f} s old; {len(channels)} channels receiving", details


def read_heartbeat_verdict(landing_root: str | Path, now: float, max_age: float) -> tuple[bool, str, dict]:
    """`heartbeat_verdict` of the heartbeat file in `landing_root` (missing: the collector never ran)."""
    path = Path(landing_root) / "heartbeat.json"
    state = json.loads(path.read_text()) if path.exists() else None
    passed, text, details = heartbeat_verdict(state, now, max_age)
    return passed, text, {"heartbeat": str(path), **details}

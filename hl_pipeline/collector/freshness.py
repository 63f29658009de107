"""Is the collector alive? A verdict on its heartbeat file (see `health.Health`)."""

from __future__ import annotations

import json
from pathlib import Path

from hl_pipeline.lake.landing_layout import landing_folders, shard_folder, shard_of


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
    """`heartbeat_verdict` of the collectors writing into `landing_root`: the root's own heartbeat or
    every shard's (shard folders of the shard count with the newest heartbeat; an older count is a
    retired sharding). Passes when every one of them passes; missing: the collector never ran."""
    root = Path(landing_root)
    beats = {
        folder: json.loads((folder / "heartbeat.json").read_text())
        for folder in landing_folders(root)
        if (folder / "heartbeat.json").exists()
    }
    if not beats:
        passed, text, details = heartbeat_verdict(None, now, max_age)
        return passed, text, {"heartbeat": str(root / "heartbeat.json"), **details}
    count = lambda folder: (shard_of(folder) or (0, 1))[1]  # noqa: E731
    newest = max(beats, key=lambda f: float(beats[f].get("time", 0)))
    active = {f: beats[f] for f in beats if count(f) == count(newest) and (f == root) == (newest == root)}
    verdicts = {f: heartbeat_verdict(state, now, max_age) for f, state in sorted(active.items())}
    if newest != root:
        present = {shard_of(f) for f in active}
        for i in range(count(newest)):
            if (i, count(newest)) not in present:
                verdicts[root / shard_folder(i, count(newest))] = heartbeat_verdict(None, now, max_age)
    if len(verdicts) == 1:
        ((folder, (passed, text, details)),) = verdicts.items()
        return passed, text, {"heartbeat": str(folder / "heartbeat.json"), **details}
    failed = {f.name: text for f, (ok, text, _) in verdicts.items() if not ok}
    text = (
        "; ".join(f"{name}: {t}" for name, t in sorted(failed.items()))
        if failed
        else f"{len(verdicts)} collector shards, every heartbeat fresh"
    )
    return not failed, text, {"shards": {f.name: d for f, (_, _, d) in sorted(verdicts.items())}}

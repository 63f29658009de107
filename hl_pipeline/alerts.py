"""Alerts (a failed run, a champion decaying live): one JSON body that Slack (`text`) and Discord
(`content`) webhooks both accept.

The webhook URL is a secret: it comes from the environment (`HL_ALERT_WEBHOOK_URL`) and is
never logged; only its host is named in messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from hl_pipeline.errors import ConfigError

MAX_ERROR_CHARS = 600


def failure_message(
    job: str, run_id: str, error: str | None, partition: str | None = None, url: str | None = None
) -> str:
    """One readable paragraph: what failed, which days, why (the first lines of the error), where to look."""
    where = f" for partition {partition}" if partition else ""
    reason = (error or "no error message").strip()
    if len(reason) > MAX_ERROR_CHARS:
        reason = reason[:MAX_ERROR_CHARS] + " …"
    link = f"\n{url}" if url else ""
    return f":rotating_light: hl_pipeline run `{run_id[:8]}` of `{job}` failed{where}.\n{reason}{link}"


def decay_message(failing: Mapping[str, Sequence[Mapping[str, Any]]], limit: int = 20) -> str:
    """Champions not holding up live, by day: each target's trailing net Sharpe against its lower
    bound, and its drifted features (rows as `champion_holding_up` records them)."""

    def number(value: Any) -> str:
        return f"{value:.2f}" if isinstance(value, int | float) else "n/a"

    lines = [
        f"- {date} `{r['target']}` v{r['model_version']}: "
        + ("decayed, " if r["decayed"] else "")
        + f"trailing net Sharpe {number(r['trailing_sharpe'])} vs lower bound {number(r['champion_lcb'])}"
        + (f"; drifted: {r['drifted']} (max PSI {number(r['max_psi'])})" if r["drifted"] else "")
        for date, rows in sorted(failing.items())
        for r in rows
    ]
    more = f"\n... and {len(lines) - limit} more" if len(lines) > limit else ""
    return ":warning: hl_pipeline champions not holding up live:\n" + "\n".join(lines[:limit]) + more


def webhook_body(text: str) -> dict:
    return {"text": text, "content": text[:2000]}  # Discord caps content at 2000 characters


def post_alert(url: str, text: str, timeout: float = 10.0) -> None:
    """POST the alert; raises RuntimeError naming the webhook's host (not the secret URL) on failure."""
    import requests

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("HL_ALERT_WEBHOOK_URL is not an http(s) URL")
    try:
        response = requests.post(url, json=webhook_body(text), timeout=timeout)
    except requests.RequestException as exc:
        raise RuntimeError(f"alert webhook at {parts.hostname} unreachable: {type(exc).__name__}") from None
    if response.status_code >= 300:
        raise RuntimeError(f"alert webhook at {parts.hostname} answered HTTP {response.status_code}")

"""Run-failure alerts: one JSON body that Slack (`text`) and Discord (`content`) webhooks both accept.

The webhook URL is a secret: it comes from the environment (`HL_ALERT_WEBHOOK_URL`) and is
never logged; only its host is named in messages."""

from __future__ import annotations

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

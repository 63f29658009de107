"""AWS credentials for the S3 archives, from the environment only, never printed."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from hl_pipeline.exchange.archive.errors import ArchiveAccessError


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    session_token: str | None = None

    def __repr__(self) -> str:  # never print the secret
        token = "set" if self.session_token else None
        return f"Credentials(access_key={self.access_key[:4]}..., session_token={token})"


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials:
    """AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), or a clear error."""
    env = os.environ if environ is None else environ
    key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if not key or not secret:
        raise ArchiveAccessError(
            "S3 access needs AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus"
            " AWS_SESSION_TOKEN for temporary ones). The Hyperliquid buckets are requester-pays, so the"
            " account is billed for transfer; anonymous requests are refused. Nothing was sent."
        )
    return Credentials(key, secret, env.get("AWS_SESSION_TOKEN") or None)

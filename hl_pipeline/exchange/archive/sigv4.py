"""AWS Signature Version 4 header signing (hashlib/hmac only), enough for S3 GET/HEAD/list.

The URL must already be percent-encoded the way it will be sent (S3 does not double-encode).
Checked against the published examples of the AWS docs in the tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit

from hl_pipeline.exchange.archive.errors import ArchiveAccessError

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_SPACES = re.compile(r"\s+")


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


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(("AWS4" + secret).encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def canonical_request(
    method: str, url: str, headers: Mapping[str, str], payload_hash: str
) -> tuple[str, str]:
    """(canonical request text, signed header list) for a URL and the headers to sign."""
    parts = urlsplit(url)
    query = sorted(
        (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )
    canon = {"host": parts.netloc}
    canon.update({k.lower(): _SPACES.sub(" ", str(v).strip()) for k, v in headers.items()})
    names = sorted(canon)
    signed = ";".join(names)
    text = "\n".join(
        [
            method.upper(),
            parts.path or "/",
            "&".join(f"{k}={v}" for k, v in query),
            "".join(f"{n}:{canon[n]}\n" for n in names),
            signed,
            payload_hash,
        ]
    )
    return text, signed


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    creds: Credentials,
    region: str,
    service: str,
    now: dt.datetime | None = None,
    payload_hash: str = EMPTY_SHA256,
) -> dict[str, str]:
    """The headers plus x-amz-date (and x-amz-security-token) and the Authorization header."""
    now = now or dt.datetime.now(dt.UTC)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    out = dict(headers)
    out["x-amz-date"] = amz_date
    if creds.session_token:
        out["x-amz-security-token"] = creds.session_token
    request, signed = canonical_request(method, url, out, payload_hash)
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(request.encode()).hexdigest()])
    signature = hmac.new(
        signing_key(creds.secret_key, amz_date[:8], region, service), to_sign.encode(), hashlib.sha256
    ).hexdigest()
    out["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={creds.access_key}/{scope},SignedHeaders={signed},Signature={signature}"
    )
    return out

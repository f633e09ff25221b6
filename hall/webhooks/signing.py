"""The signature of a delivery: `X-Hall-Signature: sha256=<hex HMAC-SHA256 of the body>`."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Hall-Signature"


def signature(secret: str, body: bytes) -> str:
    """The header's value for `body` signed with `secret`."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, body: bytes, header: str) -> bool:
    """Whether `header` is the signature of `body` with `secret` (in constant time)."""
    return hmac.compare_digest(signature(secret, body), header)

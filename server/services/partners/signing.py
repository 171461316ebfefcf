"""Signing and verifying partner requests and webhooks: HMAC-SHA256, standard library only.

The signed string is ``"{timestamp}\\n{nonce}\\n{METHOD}\\n{path and query}\\n{hex sha256 of
the body}"``; the signature is its lowercase hex HMAC-SHA256 with the secret's UTF-8 bytes as
key. The partner simulator (``bench/partner_sim.py``) imports this module alone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

MAX_SKEW_S = 300  # a timestamp further off than this is stale
NONCE_TTL_S = 600  # a nonce seen this recently is a replay
NONCE = re.compile(r"^[A-Za-z0-9_.~-]{8,64}$")
HEADERS = ("X-Partner-Key", "X-Timestamp", "X-Nonce", "X-Signature")


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(timestamp: str | int, nonce: str, method: str, path_qs: str, body: bytes) -> str:
    return f"{timestamp}\n{nonce}\n{method.upper()}\n{path_qs}\n{body_digest(body)}"


def signature(secret: str, timestamp: str | int, nonce: str, method: str, path_qs: str,
              body: bytes) -> str:
    message = string_to_sign(timestamp, nonce, method, path_qs, body).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(key: str, secret: str, method: str, path_qs: str, body: bytes, *,
                   timestamp: int, nonce: str | None = None) -> dict[str, str]:
    """The four headers of one signed request (a fresh nonce unless one is given)."""
    nonce = nonce or secrets.token_hex(16)
    return {"X-Partner-Key": key, "X-Timestamp": str(timestamp), "X-Nonce": nonce,
            "X-Signature": signature(secret, timestamp, nonce, method, path_qs, body)}


def matches(given: str, secret: str, timestamp: str, nonce: str, method: str, path_qs: str,
            body: bytes) -> bool:
    """Whether ``given`` is the signature; compared in constant time."""
    expected = signature(secret, timestamp, nonce, method, path_qs, body)
    return hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("ascii", "replace"))


def parse_timestamp(value: str | None) -> int | None:
    """Unix seconds as sent, or None when it is not a plain integer."""
    if not value or not value.strip().isdigit() or len(value.strip()) > 12:
        return None
    return int(value.strip())


def is_stale(timestamp: int, now_s: float, max_skew_s: int = MAX_SKEW_S) -> bool:
    return abs(now_s - timestamp) > max_skew_s

"""Partner secrets at rest: AES-256-GCM under a key derived from the hub's SECRET_KEY.

Why encrypted and not hashed: the hub must compute HMACs with the secret itself, both to
verify a partner's request and to sign its webhooks, so a one-way hash cannot serve. The
key is derived (HKDF-SHA256) from ``SECRET_KEY``, which lives outside the database
(``YIMEN_SECRET_KEY`` or ``var/secret_key``, mode 0600): a database dump or backup alone
gives no secret away. Every hub of a hall needs the same ``SECRET_KEY``. The associated data
binds each ciphertext to its partner and purpose, so rows cannot be swapped.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import ServiceError

PREFIX = "v1:"


class SecretUnreadableError(ServiceError):
    """A stored secret does not decrypt: this hub's SECRET_KEY is not the one that wrote it."""

    code = "partner_secret_unreadable"


class SecretBox:
    def __init__(self, secret_key: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"yimen",
                   info=b"yimen partner secrets v1").derive(secret_key.encode("utf-8"))
        self._aead = AESGCM(key)

    def seal(self, plain: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode("utf-8"), context.encode("utf-8"))
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, stored: str, context: str) -> str:
        if not stored.startswith(PREFIX):
            raise SecretUnreadableError("a stored partner secret has an unknown format")
        raw = base64.b64decode(stored[len(PREFIX):])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], context.encode("utf-8")).decode("utf-8")
        except InvalidTag:
            raise SecretUnreadableError(
                "a stored partner secret does not decrypt: every hub needs the same SECRET_KEY"
            ) from None

"""Partner devices and their signed requests: create, rotate the secret, verify a request.

A partner is a device of kind ``partner`` (its key hashed in ``devices`` like every device
key, for the lookup) with a row in ``partners``: the webhook URL, the key and the secret
sealed by ``secret_box`` (the hub signs webhooks with them). The secret is answered once,
at creation or rotation, and never logged.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from server.queueing.actors import Actor
from server.queueing.errors import NotFoundError

from ..errors import AuthenticationError, BadRequestError
from ..hub import Hub
from . import signing
from .secret_box import SecretBox

KIND = "partner"
MAX_OVERLAP_S = 7 * 86400


@dataclass
class PartnerSettings:
    """The outbox's delivery rhythm (``YIMEN_PARTNER_*`` in ``server/config.py``)."""

    retry_base_s: float = 10.0  # the first retry's delay; doubled per attempt, with jitter
    retry_max_s: float = 3600.0  # no delay longer than this
    retry_for_s: float = 86400.0  # give up (dead) this long after the change
    poll_s: float = 0.5  # how often an idle worker looks for due rows
    lease_s: float = 60.0  # a claimed row is this hub's for this long
    timeout_s: float = 10.0  # connect and read timeout of one POST
    batch: int = 20  # rows claimed and posted at once (one per object)
    overlap_s: int = 86400  # both secrets verify this long after a rotation, unless told


@dataclass
class Partners:
    """``hub.partners``: the secret box and the settings, one per process."""

    box: SecretBox
    settings: PartnerSettings = field(default_factory=PartnerSettings)
    hub_name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    wake: threading.Event = field(default_factory=threading.Event)  # set: rows were written here


@dataclass(frozen=True)
class PartnerIdentity:
    id: int
    name: str

    def actor(self) -> Actor:
        return Actor("device", str(self.id), self.name, KIND)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _partners(hub: Hub) -> Partners:
    if hub.partners is None:
        raise RuntimeError("this hub has no partner settings (hub.partners)")
    return hub.partners


def key_context(device_id: int) -> str:
    return f"partner:{device_id}:key"


def secret_context(device_id: int) -> str:
    return f"partner:{device_id}:secret"


def check_webhook_url(value: object) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500:
        raise BadRequestError("webhook_url: an http:// or https:// URL of at most 500 characters",
                              code="invalid_field", field="webhook_url")
    return value


def create_partner(hub: Hub, *, name: object, webhook_url: object = None) -> dict:
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise BadRequestError("name: a non-empty string of at most 200 characters",
                              code="invalid_field", field="name")
    url = check_webhook_url(webhook_url)
    box = _partners(hub).box
    key, secret = "pk_" + secrets.token_urlsafe(18), secrets.token_urlsafe(32)
    with hub.uow() as uow:
        device_id = uow.devices.add(KIND, name.strip(), _digest(key), hub.now())
        uow.partners.add(device_id, url, box.seal(key, key_context(device_id)),
                         box.seal(secret, secret_context(device_id)))
        uow.commit()
    return {"id": device_id, "kind": KIND, "name": name.strip(), "key": key, "secret": secret,
            "webhook_url": url}


def rotate_secret(hub: Hub, device_id: int, overlap_s: object = None) -> dict:
    """A new secret; the current one keeps verifying for ``overlap_s`` seconds."""
    settings = _partners(hub).settings
    if overlap_s is None:
        overlap_s = settings.overlap_s
    if isinstance(overlap_s, bool) or not isinstance(overlap_s, int) or not 0 <= overlap_s <= MAX_OVERLAP_S:
        raise BadRequestError(f"overlap_s: an integer 0..{MAX_OVERLAP_S}", code="invalid_field",
                              field="overlap_s")
    box = _partners(hub).box
    secret, now = secrets.token_urlsafe(32), hub.now()
    until = now + timedelta(seconds=overlap_s)
    with hub.uow() as uow:
        record = uow.partners.by_id(device_id)
        if record is None:
            raise NotFoundError("no partner with this id")
        uow.partners.rotate(device_id, box.seal(secret, secret_context(device_id)),
                            record.secret_sealed, until, now)
        uow.commit()
    return {"id": device_id, "kind": KIND, "name": record.name,
            "key": box.open(record.key_sealed, key_context(device_id)), "secret": secret,
            "previous_valid_until": until.isoformat(timespec="seconds")}


def credentials(hub: Hub, record) -> tuple[str, str]:
    """(key, current secret) of a partner, to sign its webhooks."""
    box = _partners(hub).box
    return (box.open(record.key_sealed, key_context(record.id)),
            box.open(record.secret_sealed, secret_context(record.id)))


def verify_request(hub: Hub, headers, method: str, path_qs: str, body: bytes) -> PartnerIdentity:
    """The partner that signed this request; 401 ``stale_request``, ``bad_signature`` or
    ``replayed_request`` otherwise. The nonce is remembered only for a good signature."""
    key, raw_ts, nonce, given = (headers.get(name) for name in signing.HEADERS)
    if not (key and raw_ts and nonce and given):
        raise AuthenticationError("a partner request needs X-Partner-Key, X-Timestamp, X-Nonce "
                                  "and X-Signature", code="bad_signature")
    timestamp = signing.parse_timestamp(raw_ts)
    if timestamp is None or not signing.NONCE.match(nonce):
        raise AuthenticationError("X-Timestamp must be Unix seconds and X-Nonce 8-64 letters, "
                                  "digits, '-', '_', '.' or '~'", code="bad_signature")
    now = hub.now()
    if signing.is_stale(timestamp, now.timestamp()):
        raise AuthenticationError(f"X-Timestamp is more than {signing.MAX_SKEW_S} s from the hub's "
                                  "clock", code="stale_request")
    with hub.reading() as repos:
        record = repos.partners.by_key_hash(_digest(key))
    box = _partners(hub).box
    candidates = []
    if record is not None:
        candidates.append(box.open(record.secret_sealed, secret_context(record.id)))
        if record.previous_secret_sealed and record.previous_until and record.previous_until > now:
            candidates.append(box.open(record.previous_secret_sealed, secret_context(record.id)))
    good = False
    for secret in candidates:  # every candidate is compared: no early exit to time
        good |= signing.matches(given, secret, raw_ts, nonce, method, path_qs, body)
    if not good:
        raise AuthenticationError("the signature does not match", code="bad_signature")
    with hub.uow() as uow:
        if not uow.nonces.remember(record.id, nonce, now):
            raise AuthenticationError("this nonce was used in the last "
                                      f"{signing.NONCE_TTL_S // 60} minutes", code="replayed_request")
        uow.commit()
    return PartnerIdentity(record.id, record.name)

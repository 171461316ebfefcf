"""The webhook worker: a loop of every hub that posts due outbox rows, signed.

Each round claims up to ``batch`` due rows (at most one per object: the oldest pending, so
an object's webhooks arrive in order), posts them at once, each in the threadpool with
timeouts, and records every attempt. A failure waits ``retry_base_s * 2**(n-1)`` (at most
``retry_max_s``) times a jitter in [0.5, 1); once ``retry_for_s`` (24 h) has passed since
the change, the row is ``dead`` and the managers get an alert. A 2xx from a partner makes
its other rows that wait out a backoff due at once (each at most once per ``retry_max_s``),
so a backlog after an outage drains at delivery speed, not after the longest backoff. A redelivery keeps the
event's ``id``; a fresh timestamp and nonce sign every attempt. A 2xx answer is delivered.
"""

from __future__ import annotations

import json
import logging
import random
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests

from server.queueing.errors import NotFoundError

from ..hub import Hub
from . import access, signing
from .secret_box import SecretUnreadableError

log = logging.getLogger(__name__)
NONCE_PURGE_EVERY_S = 60.0


def retry_delay_s(settings: access.PartnerSettings, attempts: int, rand: float) -> float:
    """The wait after the ``attempts``-th failure; ``rand`` in [0, 1) is the jitter."""
    base = min(settings.retry_max_s, settings.retry_base_s * 2 ** max(0, attempts - 1))
    return base * (0.5 + rand / 2)


def webhook_body(row) -> bytes:
    return json.dumps({"id": row.event_id, "type": row.type, "at": row.created_at.isoformat(timespec="seconds"),
                       "data": row.data}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _post(url: str, body: bytes, headers: dict, timeout_s: float) -> tuple[int | None, str | None]:
    try:
        answer = requests.post(url, data=body, headers=headers, timeout=(timeout_s, timeout_s),
                               allow_redirects=False)
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= answer.status_code < 300:
        return answer.status_code, None
    return answer.status_code, f"HTTP {answer.status_code}: {answer.text[:200]}"


def deliver_due(hub: Hub) -> int:
    """One round; returns how many rows it attempted."""
    parts = hub.partners
    settings = parts.settings
    now = hub.now()
    with hub.uow() as uow:
        rows = uow.outbox.claim(now, parts.hub_name, settings.lease_s, settings.batch)
        found = uow.partners.by_ids({row.partner_id for row in rows}) if rows else {}
        uow.commit()
    if not rows:
        return 0
    jobs = []
    for row in rows:
        partner = found.get(row.partner_id)
        if partner is None or not partner.webhook_url:
            jobs.append((row, partner, None, "the partner has no webhook_url any more"))
            continue
        try:
            key, secret = access.credentials(hub, partner)
        except SecretUnreadableError as exc:  # recorded as a failed attempt, retried later
            jobs.append((row, partner, None, exc.message))
            continue
        body = webhook_body(row)
        target = urlsplit(partner.webhook_url)
        path_qs = (target.path or "/") + (f"?{target.query}" if target.query else "")
        headers = signing.signed_headers(key, secret, "POST", path_qs, body,
                                         timestamp=int(hub.now().timestamp()))
        headers["Content-Type"] = "application/json; charset=utf-8"
        jobs.append((row, partner, body, headers))
    results = hub.tasks.map_blocking(lambda job: _attempt(job, settings.timeout_s), jobs)
    _record(hub, results)
    return len(rows)


def _attempt(job, timeout_s: float):
    """(row, partner, HTTP status, error, ms); a job whose headers are a string is an error
    found before posting."""
    row, partner, body, headers = job
    started = time.monotonic()
    if isinstance(headers, str):
        status, error = None, headers
    else:
        status, error = _post(partner.webhook_url, body, headers, timeout_s)
    return row, partner, status, error, int((time.monotonic() - started) * 1000)


def _record(hub: Hub, results) -> None:
    settings, name = hub.partners.settings, hub.partners.hub_name
    now = hub.now()
    dead, answered = [], set()
    with hub.uow() as uow:
        for row, partner, status, error, duration_ms in results:
            uow.outbox.attempted(row.id, now, name, status, error, duration_ms)
            if error is None:
                uow.outbox.delivered(row.id, now)
                answered.add(row.partner_id)
                continue
            delay = retry_delay_s(settings, row.attempts + 1, random.random())
            next_at = now + timedelta(seconds=delay)
            give_up_at = (row.retry_from or row.created_at) + timedelta(seconds=settings.retry_for_s)
            if next_at > give_up_at:
                uow.outbox.failed(row.id, error, None)
                dead.append((row, partner, error))
            else:
                uow.outbox.failed(row.id, error, next_at)
        for partner_id in answered:  # back after an outage: no need to wait out the backoffs
            uow.outbox.hurry(partner_id, now, now - timedelta(seconds=settings.retry_max_s))
        uow.commit()
    for row, partner, error in dead:
        log.warning("webhook %s to partner %s is dead after %d attempts", row.event_id,
                    row.partner_id, row.attempts + 1)
        hub.publisher.alert({
            "kind": "partner", "level": "warning", "code": "webhook_dead",
            "message": f"{partner.name if partner else row.partner_id}：推送失败已停止重试（{row.type}）",
            "device_id": row.partner_id, "event_id": row.event_id, "error": error,
            "at": now.isoformat(timespec="seconds"),
        })


def deliver_forever(hub: Hub) -> None:
    """The hub's webhook loop; ends when ``hub.stopping`` is set."""
    settings = hub.partners.settings
    purged = 0.0
    while not hub.stopping.is_set():
        attempted = 0
        try:
            attempted = deliver_due(hub)
            if time.monotonic() - purged > NONCE_PURGE_EVERY_S:
                with hub.uow() as uow:
                    uow.nonces.purge(hub.now(), signing.NONCE_TTL_S)
                    uow.commit()
                purged = time.monotonic()
        except Exception:  # noqa: BLE001 - a database hiccup: try again next round
            log.exception("delivering webhooks failed")
        if not attempted:  # idle: poll, or sooner when a change on this hub wrote rows
            hub.partners.wake.wait(settings.poll_s)
            hub.partners.wake.clear()


# --- the admins' view -----------------------------------------------------------------------
def _iso(value):
    return value.isoformat(timespec="seconds") if value else None


def partner_overview(hub: Hub) -> list[dict]:
    """Every partner with its outbox's rows by status (``GET /partners``): no key, no secret."""
    with hub.reading() as repos:
        listed = repos.partners.listing()
        counts = repos.outbox.counts()
    empty = {"pending": 0, "delivered": 0, "dead": 0, "oldest_pending": None}
    out = []
    for row in listed:
        found = counts.get(row["id"], empty)
        out.append({"id": row["id"], "name": row["name"], "active": bool(row["active"]),
                    "webhook_url": row["webhook_url"], "created_at": _iso(row["created_at"]),
                    "deliveries": {"pending": found["pending"], "delivered": found["delivered"],
                                   "dead": found["dead"]},
                    "oldest_pending_at": _iso(found["oldest_pending"])})
    return out


def deliveries(hub: Hub, partner_id: int, status: str | None = None) -> list[dict]:
    with hub.reading() as repos:
        if repos.partners.by_id(partner_id) is None:
            raise NotFoundError("no partner with this id")
        rows = repos.outbox.of_partner(partner_id, status)
    return [{
        "id": row["event_id"], "type": row["type"], "object": row["object_key"], "at": _iso(row["created_at"]),
        "status": row["status"], "attempts": [
            {"at": _iso(a["at"]), "hub": a["hub"], "http_status": a["http_status"], "error": a["error"],
             "duration_ms": a["duration_ms"]} for a in row["attempt_rows"]],
        "next_at": _iso(row["next_at"]) if row["status"] == "pending" else None,
        "delivered_at": _iso(row["delivered_at"]), "last_error": row["last_error"], "data": row["data"],
    } for row in rows]


def resend(hub: Hub, partner_id: int, event_id: str) -> dict:
    with hub.uow() as uow:
        if not uow.outbox.resend(partner_id, event_id, hub.now()):
            raise NotFoundError("no dead delivery with this id for this partner")
        uow.commit()
    return {"id": event_id, "status": "pending"}

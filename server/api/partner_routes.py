"""The provincial platform: signed partner requests, the one list of what partners may
call, secret rotation, and the admins' view of the webhook outbox."""

from __future__ import annotations

import re
from typing import Any, Literal

from flask import g, request
from pydantic import BaseModel, ConfigDict, Field

from server.services.errors import ForbiddenError
from server.services.partners import access, delivery

from . import bp
from .parsing import current_g, current_request, hub
from .schemas import Answer
from .spec import ADMINS, MANAGERS, operation
from .validation import Integer

# Everything a partner may call (contract: "The provincial platform"); any other route
# answers a signed request with 403. Routes not built yet match nothing until they exist.
PARTNER_CALLS = frozenset({
    ("GET", "/api/v1/appointments/slots"),
    ("POST", "/api/v1/appointments"),
    ("GET", "/api/v1/appointments/<token>"),
    ("POST", "/api/v1/appointments/<token>/cancel"),
    ("POST", "/api/v1/tickets"),
    ("GET", "/api/v1/tickets/<token>"),
    ("POST", "/api/v1/tickets/<token>/rating"),
    ("GET", "/api/v1/ratings/export"),
})
_VARIABLE = re.compile(r"<[^>]*>")


def _shape(rule: str) -> str:
    """A route with its variables unnamed: ``/tickets/<string:token>`` → ``/tickets/<>``."""
    return _VARIABLE.sub("<>", rule)


_ALLOWED = frozenset((method, _shape(rule)) for method, rule in PARTNER_CALLS)


def partner_may_call(method: str, rule: str) -> bool:
    return (method.upper(), _shape(rule)) in _ALLOWED


@bp.before_request
def verify_partner_request():
    """A request with ``X-Partner-Key`` is a partner's: verified, then held to the list."""
    store = current_g()  # one proxy look-up each (parsing.current_request)
    store.partner = None
    if "X-Partner-Key" not in current_request().headers or request.url_rule is None:
        return None
    path_qs = request.full_path if request.query_string else request.path
    g.partner = access.verify_request(hub(), request.headers, request.method, path_qs,
                                      request.get_data(cache=True))
    if not partner_may_call(request.method, request.url_rule.rule):
        raise ForbiddenError("partners may not call this", code="forbidden")
    return None


class Rotate(BaseModel):
    model_config = ConfigDict(strict=True)

    overlap_s: Integer | None = Field(None, ge=0, le=access.MAX_OVERLAP_S,
                                      description="how long the old secret still verifies; default a day")


class NewSecret(Answer):
    id: int
    secret: str


@operation(bp, "POST", "/devices/<int:device_id>/rotate-secret",
           "A partner's new secret (answered once); the old one verifies overlap_s more seconds",
           access=ADMINS, body=Rotate, body_required=False, answers={200: NewSecret},
           errors={404: "not_found"})
def rotate_partner_secret(device_id: int, body: Rotate | None = None):
    return access.rotate_secret(hub(), device_id, body.overlap_s if body else None)


class DeliveryCounts(BaseModel):
    pending: int
    delivered: int
    dead: int


class PartnerSummary(Answer):
    id: int
    name: str
    active: bool
    webhook_url: str | None
    created_at: str
    deliveries: DeliveryCounts
    oldest_pending_at: str | None


@operation(bp, "GET", "/partners", "The partners (provincial platforms) and their webhook outbox by status",
           access=MANAGERS, answers={200: list[PartnerSummary]})
def list_partners():
    return delivery.partner_overview(hub())


class DeliveriesQuery(BaseModel):
    status: Literal["pending", "delivered", "dead"] | None = None


class Delivery(Answer):
    id: str
    type: str
    status: str
    attempts: list[dict[str, Any]]


@operation(bp, "GET", "/partners/<int:partner_id>/deliveries",
           "The partner's webhook outbox, newest first, with every attempt", access=MANAGERS,
           query=DeliveriesQuery, answers={200: list[Delivery]}, errors={404: "not_found"})
def partner_deliveries(partner_id: int, query: DeliveriesQuery):
    return delivery.deliveries(hub(), partner_id, query.status)


class Resent(Answer):
    id: str
    status: Literal["pending"]


@operation(bp, "POST", "/partners/<int:partner_id>/deliveries/<event_id>/resend",
           "Send a dead webhook again", access=ADMINS, answers={200: Resent},
           errors={404: "not_found"})
def resend_delivery(partner_id: int, event_id: str):
    return delivery.resend(hub(), partner_id, event_id)

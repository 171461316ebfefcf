"""The provincial platform: signed partner requests, the one list of what partners may
call, secret rotation, and the admins' view of the webhook outbox."""

from __future__ import annotations

import re

from flask import g, jsonify, request

from server.services.errors import ForbiddenError
from server.services.partners import access, delivery

from . import bp
from .parsing import field, hub, json_body, staff

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
    g.partner = None
    if "X-Partner-Key" not in request.headers or request.url_rule is None:
        return None
    path_qs = request.full_path if request.query_string else request.path
    g.partner = access.verify_request(hub(), request.headers, request.method, path_qs,
                                      request.get_data(cache=True))
    if not partner_may_call(request.method, request.url_rule.rule):
        raise ForbiddenError("partners may not call this", code="forbidden")
    return None


@bp.post("/devices/<int:device_id>/rotate-secret")
def rotate_partner_secret(device_id: int):
    """A new secret (answered once); the old one verifies ``overlap_s`` more seconds."""
    staff("admin")
    data = json_body(optional=True)
    overlap = field(data, "overlap_s", int, required=False)
    return jsonify(access.rotate_secret(hub(), device_id, overlap))


@bp.get("/partners/<int:partner_id>/deliveries")
def partner_deliveries(partner_id: int):
    staff("admin", "manager")
    status = request.args.get("status") or None
    return jsonify(delivery.deliveries(hub(), partner_id, status))


@bp.post("/partners/<int:partner_id>/deliveries/<event_id>/resend")
def resend_delivery(partner_id: int, event_id: str):
    staff("admin")
    return jsonify(delivery.resend(hub(), partner_id, event_id))

"""The REST API, v1: ``/api/v1``."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import (  # noqa: E402,F401
    announce_routes,
    appointment_routes,
    auth_routes,
    case_routes,
    center_routes,
    checkin_routes,
    kiosk_routes,
    manager_routes,
    openapi,
    page_routes,
    partner_routes,
    rating_routes,
    stats_routes,
    supervision_routes,
    ticket_routes,
    window_routes,
)

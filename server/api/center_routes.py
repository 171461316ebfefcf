"""The center as loaded, and its queues now."""

from flask import Response, jsonify, request

from server.queueing.errors import NotFoundError
from server.services import views

from . import bp
from .parsing import hub


@bp.get("/center")
def get_center():
    return Response(hub().center_json, mimetype="application/json")


@bp.get("/queues")
def get_queues():
    """Every queue with its waiting line; ``?zone=f1`` for the queues served in a zone."""
    zone = request.args.get("zone")
    if zone is not None and zone not in hub().center.zones:
        raise NotFoundError(f"unknown zone {zone!r}", code="unknown_zone")
    with hub().reading() as repos:
        return jsonify(views.queue_summaries(hub(), repos, zone))


@bp.get("/hall")
def get_hall():
    """The same snapshot a display receives on connect (``hall_state``)."""
    with hub().reading() as repos:
        return jsonify(views.hall_state(hub(), repos, request.args.get("zone")))

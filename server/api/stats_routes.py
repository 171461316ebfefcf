"""The day's figures for managers."""

from datetime import date

from flask import jsonify, request

from server.services import stats
from server.services.errors import BadRequestError

from . import bp
from .parsing import hub, staff


@bp.get("/stats")
def get_stats():
    staff("manager", "supervisor", "admin")
    raw = request.args.get("date")
    if raw is None:
        day = hub().today()
    else:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise BadRequestError("date must be YYYY-MM-DD", code="invalid_date") from None
    return jsonify(stats.day_stats(hub(), day))

"""好差评 REST calls: rate a ticket, the ratings list, summary and export, the choices a
pad or phone offers, and the rectifications (差评整改) with their moves."""

from __future__ import annotations

from flask import Response, jsonify, request

from server.queueing.ratings import BAD_REASONS, LEVEL_NAMES, LEVELS
from server.services import rating_figures, ratings, rectifications
from server.services.accounts import authenticate_device
from server.services.errors import BadRequestError
from server.services.exports import to_csv
from server.services.reports import parse_range

from . import bp
from .parsing import hub, json_body, staff

READERS = ("manager", "supervisor", "admin")
EXPORTERS = ("manager", "admin")


def _range():
    return parse_range(request.args.get("from"), request.args.get("to"), hub().today())


@bp.post("/tickets/<token>/rating")
def rate_ticket(token: str):
    """Sent by the visitor's phone (the token is the credential) or by the rating pad of
    the window that served the ticket (``X-Device-Key``)."""
    key = request.headers.get("X-Device-Key")
    pad = authenticate_device(hub(), key, kind=ratings.PAD_KIND) if key else None
    data = json_body()
    if "level" not in data:
        raise BadRequestError("missing field 'level'", code="missing_field", field="level")
    answer = ratings.rate_ticket(hub(), token, level=data.get("level"), reasons=data.get("reasons"),
                                 comment=data.get("comment"), pad=pad)
    return jsonify(answer), 201


@bp.get("/ratings/choices")
def rating_choices():
    """The five levels and the reasons for a bad one, in Chinese and English (public)."""
    return jsonify({
        "levels": [{"level": level, "name": LEVEL_NAMES[level][0], "name_en": LEVEL_NAMES[level][1]}
                   for level in LEVELS],
        "reasons": [{"code": code, "name": zh, "name_en": en} for code, (zh, en) in BAD_REASONS.items()],
        "rating_days": hub().center.rules.rating_days,
    })


@bp.get("/ratings")
def list_ratings():
    staff(*READERS)
    first, last = _range()
    level = request.args.get("level")
    if level is not None and level not in {str(lv) for lv in LEVELS}:
        raise BadRequestError("level must be 1..5", code="invalid_field", field="level")
    return jsonify(rating_figures.list_ratings(
        hub(), first, last, unit_id=request.args.get("unit_id") or None,
        window_id=request.args.get("window_id") or None, level=int(level) if level else None))


@bp.get("/ratings/summary")
def ratings_summary():
    staff(*READERS)
    first, last = _range()
    return jsonify(rating_figures.summary(hub(), first, last,
                                          rating_figures.parse_dimension(request.args.get("by"))))


@bp.get("/ratings/export")
def ratings_export():
    staff(*EXPORTERS)
    first, last = _range()
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise BadRequestError("format must be json or csv", code="invalid_field", field="format")
    rows = rating_figures.export_rows(hub(), first, last)
    if fmt == "json":
        return jsonify(rows)
    fields = rating_figures.EXPORT_FIELDS
    response = Response(to_csv(fields, ([row[f] for f in fields] for row in rows)),
                        mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="ratings-{first.isoformat()}-{last.isoformat()}.csv"')
    return response


# --- rectifications --------------------------------------------------------------------------
@bp.get("/rectifications")
def list_rectifications():
    staff(*READERS)
    overdue = request.args.get("overdue", "").lower() in ("1", "true", "yes")
    return jsonify(rectifications.list_rectifications(
        hub(), status=request.args.get("status") or None, overdue=overdue,
        unit_id=request.args.get("unit_id") or None))


@bp.get("/rectifications/<int:rectification_id>")
def get_rectification(rectification_id: int):
    staff(*READERS)
    return jsonify(rectifications.get_rectification(hub(), rectification_id))


def _move(rectification_id: int, action: str):
    actor = staff()
    return jsonify(rectifications.move(hub(), rectification_id, action, actor, json_body()))


@bp.post("/rectifications/<int:rectification_id>/verify")
def verify_rectification(rectification_id: int):
    """A manager: ``{finding: valid|disputed, note}``."""
    return _move(rectification_id, "verify")


@bp.post("/rectifications/<int:rectification_id>/review")
def review_rectification(rectification_id: int):
    """The supervisor decides an appeal: ``{decision: upheld|overturned, note}``."""
    return _move(rectification_id, "review")


@bp.post("/rectifications/<int:rectification_id>/rectify")
def rectify_rectification(rectification_id: int):
    """A manager: ``{note}``, what was done."""
    return _move(rectification_id, "rectify")


@bp.post("/rectifications/<int:rectification_id>/callback")
def callback_rectification(rectification_id: int):
    """A manager called the visitor back: ``{reached: bool, note, level?}``."""
    return _move(rectification_id, "callback")

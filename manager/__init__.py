"""The manager pages (``/manager/``): live dashboard, reports, estimate accuracy, planning.

No business logic here: the page logs in over REST, reads ``/api/v1/reports``,
``/api/v1/planning/...`` and listens on the ``/manager`` Socket.IO namespace.
"""

from flask import Blueprint, current_app, render_template

from server.i18n import LANGUAGE_NAMES, current_language, texts
from server.page_labels import page_labels

from .booking_texts import BOOKING_TEXTS
from .case_texts import CASE_TEXTS
from .outbox_texts import OUTBOX_TEXTS
from .page_texts import MANAGER_TEXTS
from .rating_texts import RATING_TEXTS
from .supervision_texts import SUPERVISION_TEXTS

bp = Blueprint("manager", __name__, url_prefix="/manager", template_folder="templates",
               static_folder="static")


@bp.get("/")
def index():
    lang = current_language()
    boot = {
        "lang": lang,
        "timezone": current_app.extensions["yimen"].center.timezone,
        "texts": texts(*MANAGER_TEXTS, *RATING_TEXTS, *CASE_TEXTS, *BOOKING_TEXTS, *SUPERVISION_TEXTS,
                       *OUTBOX_TEXTS, context="manager"),
        "labels": page_labels("manager"),
        "languages": [{"code": c, "name": LANGUAGE_NAMES[c]} for c in ("zh", "en")],
    }
    response = current_app.make_response(render_template("manager/index.html", boot=boot, lang=lang))
    response.headers["Cache-Control"] = "no-store"
    return response

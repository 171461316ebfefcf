"""The kiosk pages: the lobby touch screen where visitors take a ticket.

The page holds no business logic: it reads the center, the matter index and the
queues over REST, issues tickets with ``POST /api/v1/kiosk/tickets`` and listens on
the ``/kiosk`` Socket.IO namespace for its printer. The kiosk agent (``kiosk.agent``)
prints on a printer beside the kiosk.
"""

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import force_locale

from server.i18n import LANGUAGES, texts
from server.page_labels import page_labels

from .checkin_texts import CHECKIN_TEXTS
from .page_texts import KIOSK_TEXTS
from .pickup_texts import PICKUP_TEXTS

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates",
               static_folder="static")

PAGE_LANGUAGES = (("zh", "中文"), ("en", "English"))


def page_language() -> str:
    """``?lang=``, then the visitor's earlier choice (cookie); else Chinese. A kiosk is the
    hall's, so the browser's own language does not count."""
    wanted = request.args.get("lang") or request.cookies.get("lang")
    return wanted if wanted in LANGUAGES else "zh"


@bp.get("/")
def index():
    lang = page_language()
    idle = request.args.get("idle", type=int)
    with force_locale(lang):
        boot = {
            "lang": lang,
            "texts": texts(*KIOSK_TEXTS, *PICKUP_TEXTS, *CHECKIN_TEXTS),
            "labels": page_labels("kiosk"),
            "idle_s": idle if idle and idle >= 5 else None,
            "languages": [{"code": code, "name": name} for code, name in PAGE_LANGUAGES],
            "icons": url_for("static", filename="unit-icons.svg"),  # the departments' icons
        }
    response = current_app.make_response(render_template("kiosk/index.html", boot=boot, lang=lang))
    response.headers["Cache-Control"] = "no-store"
    return response

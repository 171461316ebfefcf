"""``GET /pages/<page>/config``: the labels a page shows, in the request's language.

The same tables go into each page's boot data when the hub renders it; this call serves
a page or device that was not rendered by the hub (and a page after a language switch).
"""

from flask import jsonify

from server.i18n import current_language
from server.page_labels import PAGE_LABELS, page_labels
from server.services.errors import NotFoundError

from . import bp


@bp.get("/pages/<page>/config")
def page_config(page: str):
    if page not in PAGE_LABELS:
        known = ", ".join(PAGE_LABELS)
        raise NotFoundError(f"no page {page!r}; pages are {known}", code="unknown_page")
    return jsonify({"page": page, "language": current_language(), "labels": page_labels(page)})

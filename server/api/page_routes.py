"""``GET /pages/<page>/config``: the labels a page shows, in the request's language.

The same tables go into each page's boot data when the hub renders it; this call serves
a page or device that was not rendered by the hub (and a page after a language switch).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from server.i18n import current_language
from server.page_labels import PAGE_LABELS, page_labels
from server.queueing.errors import NotFoundError

from . import bp
from .spec import operation


class PageConfig(BaseModel):
    page: str
    language: str
    labels: dict[str, Any]


@operation(bp, "GET", "/pages/<page>/config",
           "The labels a page shows (statuses, priority reasons, unit groups, printer problems)",
           answers={200: PageConfig}, errors={404: "unknown_page"})
def page_config(page: str):
    if page not in PAGE_LABELS:
        known = ", ".join(PAGE_LABELS)
        raise NotFoundError(f"no page {page!r}; pages are {known}", code="unknown_page")
    return {"page": page, "language": current_language(), "labels": page_labels(page)}

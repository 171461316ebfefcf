"""The center as loaded, and its queues now."""

from __future__ import annotations

from flask import Response
from pydantic import BaseModel, Field

from server.queueing.errors import NotFoundError
from server.services import views

from . import bp
from .parsing import hub
from .schemas.hall import Center, HallState, QueueSummary
from .spec import operation


class ZoneQuery(BaseModel):
    zone: str | None = Field(None, max_length=64, description="a zone id: only the queues served there")


@operation(bp, "GET", "/center", "The center as loaded: zones, units, matters, queues, windows",
           answers={200: Center})
def get_center():
    return Response(hub().center_json, mimetype="application/json")


@operation(bp, "GET", "/queues", "Every queue with its waiting line", query=ZoneQuery,
           answers={200: list[QueueSummary]}, errors={404: "unknown_zone"})
def get_queues(query: ZoneQuery):
    if query.zone is not None and query.zone not in hub().center.zones:
        raise NotFoundError(f"unknown zone {query.zone!r}", code="unknown_zone")
    with hub().reading() as repos:
        return views.queue_summaries(hub(), repos, query.zone)


@operation(bp, "GET", "/hall", "The hall snapshot a display receives on connect (hall_state)",
           query=ZoneQuery, answers={200: HallState})
def get_hall(query: ZoneQuery):
    with hub().reading() as repos:
        return views.hall_state(hub(), repos, query.zone)

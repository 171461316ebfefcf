"""好差评 REST calls: rate a ticket, the ratings list, summary and export, the choices a
pad or phone offers, and the rectifications (差评整改) with their moves.

The core checks a rating's fields and a rectification's moves (``queueing.ratings``,
``queueing.rectification``); the models below declare the same limits for the document,
taken from the core's own constants.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, request
from pydantic import BaseModel, ConfigDict, Field

from server.queueing.ratings import BAD_REASONS, LEVEL_NAMES, LEVELS, MAX_COMMENT, MAX_REASONS
from server.queueing.rectification import DECISIONS, FINDINGS, MAX_NOTE, RectificationStatus
from server.services.accounts.users import authenticate_device
from server.services.feedback import figures as rating_figures
from server.services.feedback import ratings, rectifications
from server.services.reporting.exports import to_csv

from . import bp
from .limits import limited
from .manager_routes import RANGE_ERRORS, Span
from .parsing import hub, partner
from .schemas import Answer
from .spec import PARTNER_OR_MANAGERS, PUBLIC, READERS, Access, Raw, operation
from .validation import Integer

MOVERS = Access("staff", ("manager", "supervisor", "admin"))  # the service checks each move's role

Reason = Literal[tuple(BAD_REASONS)]  # type: ignore[valid-type]
Level = Integer


class Rate(BaseModel):
    model_config = ConfigDict(strict=True)

    level: Level = Field(ge=min(LEVELS), le=max(LEVELS), description="5 非常满意 … 1 非常不满意")
    reasons: list[Reason] | None = Field(None, max_length=MAX_REASONS,
                                         description="for a bad rating: reason codes of GET /ratings/choices")
    comment: str | None = Field(None, max_length=MAX_COMMENT)


class Rating(Answer):
    ticket_id: int
    level: int
    reasons: list[str]
    comment: str | None
    channel: Literal["pad", "phone", "partner"]
    at: str


@operation(bp, "POST", "/tickets/<token>/rating", "Rate the service of a done ticket (好差评)",
           access=PUBLIC, body=Rate, answers={201: Rating},
           errors={403: "forbidden, not_this_window (a pad of another window)",
                   404: "ticket_not_found", 409: "already_rated, not_rateable"})
@limited("write")
def rate_ticket(token: str, body: Rate):
    """Sent by the visitor's phone (the token is the credential), by the rating pad of
    the window that served the ticket (``X-Device-Key``), or signed by a partner (the
    provincial platform: channel ``partner``)."""
    key = request.headers.get("X-Device-Key")
    pad = authenticate_device(hub(), key, kind=ratings.PAD_KIND) if key else None
    answer = ratings.rate_ticket(hub(), token, level=body.level, reasons=body.reasons,
                                 comment=body.comment, pad=pad, partner=None if pad else partner())
    return answer, 201


class Choice(BaseModel):
    level: int
    name: str
    name_en: str


class ReasonChoice(BaseModel):
    code: str
    name: str
    name_en: str


class Choices(Answer):
    levels: list[Choice]
    reasons: list[ReasonChoice]
    rating_days: int


@operation(bp, "GET", "/ratings/choices", "The five levels and the reasons for a bad one, in Chinese and English",
           answers={200: Choices})
def rating_choices():
    return {
        "levels": [{"level": level, "name": LEVEL_NAMES[level][0], "name_en": LEVEL_NAMES[level][1]}
                   for level in LEVELS],
        "reasons": [{"code": code, "name": zh, "name_en": en} for code, (zh, en) in BAD_REASONS.items()],
        "rating_days": hub().center.rules.rating_days,
    }


class RatingsQuery(Span):
    unit_id: str | None = Field(None, max_length=64)
    window_id: str | None = Field(None, max_length=64)
    level: int | None = Field(None, ge=min(LEVELS), le=max(LEVELS))


class ListedRating(Answer):
    ticket_id: int
    number: str
    level: int
    channel: str
    at: str


@operation(bp, "GET", "/ratings", "The ratings of a period, newest first", access=READERS,
           query=RatingsQuery, answers={200: list[ListedRating]}, errors=RANGE_ERRORS)
def list_ratings(query: RatingsQuery):
    first, last = query.days()
    return rating_figures.list_ratings(hub(), first, last, unit_id=query.unit_id or None,
                                       window_id=query.window_id or None, level=query.level)


class SummaryQuery(Span):
    by: Literal[tuple(rating_figures.DIMENSIONS)] = "unit"  # type: ignore[valid-type]


class SummaryRow(Answer):
    key: str | int | None = Field(description="the unit's, window's or matter's id; by clerk, the user's "
                                              "id (a number); null in the total")
    name: str | None
    done: int
    rated: int
    levels: dict[str, int]
    satisfied_share: float | None
    bad: int


class Summary(Answer):
    total: SummaryRow
    rows: list[SummaryRow]


@operation(bp, "GET", "/ratings/summary", "Rated share, the five counts and the satisfied share, by "
           "unit, window, clerk or matter", access=READERS, query=SummaryQuery, answers={200: Summary},
           errors=RANGE_ERRORS)
def ratings_summary(query: SummaryQuery):
    first, last = query.days()
    return rating_figures.summary(hub(), first, last, query.by)


class ExportRow(Answer):
    """One rating for the provincial 好差评 feed (docs/ratings.md); a ``rating.created``
    webhook carries the same row as ``data.rating``."""

    ticket_id: int
    number: str
    service_day: str
    rated_at: str
    level: int
    level_name: str
    channel: Literal["pad", "phone", "partner"]
    reasons: str = Field(description="reason codes, ';'-separated")
    reason_texts: str = Field(description="their Chinese texts, ';'-separated")
    comment: str
    matter_id: str
    matter_name: str | None
    unit_id: str | None
    unit_name: str | None
    window_id: str | None
    window_number: int | None
    clerk_staff_number: str | None
    clerk_name: str | None
    overturned: bool
    rectification_id: int | None
    rectification_status: str | None


class ExportQuery(Span):
    format: Literal["json", "csv"] = "json"


@operation(bp, "GET", "/ratings/export", "One row per rating for the provincial 好差评 system "
           "(fields in docs/ratings.md)", access=PARTNER_OR_MANAGERS, query=ExportQuery,
           answers={200: Raw(("text/csv",), "JSON rows, or CSV with format=csv", json=list[ExportRow])},
           errors=RANGE_ERRORS)
def ratings_export(query: ExportQuery):
    first, last = query.days()
    rows = rating_figures.export_rows(hub(), first, last)
    if query.format == "json":
        return rows
    fields = rating_figures.EXPORT_FIELDS
    response = Response(to_csv(fields, ([row[f] for f in fields] for row in rows)),
                        content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="ratings-{first.isoformat()}-{last.isoformat()}.csv"')
    return response


# --- rectifications --------------------------------------------------------------------------
class RectificationsQuery(BaseModel):
    status: Literal[tuple(s.value for s in RectificationStatus)] | None = None  # type: ignore[valid-type]
    overdue: bool = False
    unit_id: str | None = Field(None, max_length=64)


class Step(BaseModel):
    at: str
    action: str
    actor: str | None
    note: str | None


class Rectification(Answer):
    id: int
    status: RectificationStatus
    opened_at: str
    due_at: str
    overdue: bool
    ticket: dict[str, Any]
    rating: dict[str, Any]
    clerk: Any = None
    history: list[Step]


@operation(bp, "GET", "/rectifications", "Rectifications of bad ratings (差评整改)", access=READERS,
           query=RectificationsQuery, answers={200: list[Rectification]})
def list_rectifications(actor, query: RectificationsQuery):
    return rectifications.list_rectifications(
        hub(), status=query.status, overdue=query.overdue,
        unit_id=query.unit_id or None, viewer=actor)


@operation(bp, "GET", "/rectifications/<int:rectification_id>", "One rectification with its history",
           access=READERS, answers={200: Rectification}, errors={404: "rectification_not_found"})
def get_rectification(rectification_id: int, actor):
    return rectifications.get_rectification(hub(), rectification_id, actor)


# The moves' fields are optional here: the core checks first whether the move is allowed
# now (409 invalid_transition), then the note and the choice (400 missing_field).
Note = Field(None, max_length=MAX_NOTE, description="required: what was found or done")
MOVE_ERRORS = {404: "rectification_not_found", 409: "invalid_transition"}


class Verify(BaseModel):
    model_config = ConfigDict(strict=True)

    finding: Literal[FINDINGS] | None = Field(None, description="required")  # type: ignore[valid-type]
    note: str | None = Note


class Review(BaseModel):
    model_config = ConfigDict(strict=True)

    decision: Literal[DECISIONS] | None = Field(None, description="required")  # type: ignore[valid-type]
    note: str | None = Note


class Rectify(BaseModel):
    model_config = ConfigDict(strict=True)

    note: str | None = Note


class Callback(BaseModel):
    model_config = ConfigDict(strict=True)

    reached: bool | None = Field(None, description="required: was the visitor reached")
    note: str | None = Note
    level: Level | None = Field(None, ge=min(LEVELS), le=max(LEVELS), description="the visitor's new level")


def _move(rectification_id: int, action: str, actor, body: BaseModel):
    return rectifications.move(hub(), rectification_id, action, actor, body.model_dump(exclude_none=True))


@operation(bp, "POST", "/rectifications/<int:rectification_id>/verify",
           "A manager verifies the rating: valid (rectify) or disputed (appeal)", access=MOVERS,
           body=Verify, answers={200: Rectification}, errors=MOVE_ERRORS)
def verify_rectification(rectification_id: int, actor, body: Verify):
    return _move(rectification_id, "verify", actor, body)


@operation(bp, "POST", "/rectifications/<int:rectification_id>/review",
           "The supervisor decides an appeal: upheld or overturned", access=MOVERS,
           body=Review, answers={200: Rectification}, errors=MOVE_ERRORS)
def review_rectification(rectification_id: int, actor, body: Review):
    return _move(rectification_id, "review", actor, body)


@operation(bp, "POST", "/rectifications/<int:rectification_id>/rectify",
           "A manager records what was done", access=MOVERS,
           body=Rectify, answers={200: Rectification}, errors=MOVE_ERRORS)
def rectify_rectification(rectification_id: int, actor, body: Rectify):
    return _move(rectification_id, "rectify", actor, body)


@operation(bp, "POST", "/rectifications/<int:rectification_id>/callback",
           "A manager called the visitor back and told them", access=MOVERS,
           body=Callback, answers={200: Rectification}, errors=MOVE_ERRORS)
def callback_rectification(rectification_id: int, actor, body: Callback):
    return _move(rectification_id, "callback", actor, body)

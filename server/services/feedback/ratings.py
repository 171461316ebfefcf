"""好差评 use cases: rate a ticket (pad or phone), register a rating pad, what a pad shows.

One rating per ticket, whichever channel comes first: the rating row's unique
``ticket_id`` decides a race between the window's pad and the visitor's phone (exactly
one 201, the other 409 ``already_rated``, on every database and with several hubs). A
rating of level 1 or 2 opens its rectification in the same transaction, due
``rules.rectify_working_days`` working days later on the center's calendar. The same
transaction writes the ``rating.created`` webhook (a row of the provincial 好差评 feed) for
the partner that owns the ticket (issued it, or booked its appointment).

Figures and exports are in ``rating_figures.py``; the rectification moves in
``rectifications.py``.
"""

from __future__ import annotations

import secrets
import time

from sqlalchemy.exc import IntegrityError

from server.db.repositories.outbox import RATING_CREATED
from server.queueing.actors import Actor
from server.queueing.errors import AlreadyRatedError, TicketNotFoundError
from server.queueing.ratings import TicketRated, ensure_rateable, is_bad, parse_rating
from server.queueing.rectification import Rectification

from ..accounts.users import DeviceIdentity, _digest
from ..errors import BadRequestError, ConflictError, ForbiddenError, UnprocessableError
from ..hub import Hub
from ..views import local_iso
from .figures import export_row_of
from .rectifications import announce

PAD_KIND = "rating_pad"
PAD_WINDOWS_CACHE_S = 10.0  # a new pad hears its window's events within this long
_pad_windows: dict[int, tuple[float, frozenset[str]]] = {}


def rating_json(hub: Hub, record) -> dict:
    """``201`` answer of ``POST /tickets/<token>/rating``."""
    return {"ticket_id": record.ticket_id, "level": record.level, "reasons": list(record.reasons),
            "comment": record.comment, "channel": record.channel, "at": local_iso(hub, record.at)}


# --- rating ----------------------------------------------------------------------------------
def rate_ticket(hub: Hub, token: str, *, level: object, reasons: object = None,
                comment: object = None, pad: DeviceIdentity | None = None, partner=None) -> dict:
    """Rate a done ticket: by its token (phone), from the pad of the window that served it,
    or on the provincial platform (``partner``, a signed request: channel ``partner``)."""
    parsed = parse_rating(level, reasons, comment)
    now = hub.now()
    channel = "pad" if pad is not None else "partner" if partner is not None else "phone"
    actor = pad.actor() if pad is not None else partner.actor() if partner is not None else Actor.visitor()
    try:
        with hub.uow() as uow:
            ticket = uow.tickets.get_by_token(token)
            if ticket is None:
                raise TicketNotFoundError("no ticket with this token")
            if pad is not None and uow.rating_pads.window_of(pad.id) != ticket.window_id:
                raise ForbiddenError("this rating pad is not at the window that served the ticket",
                                     code="not_this_window")
            ensure_rateable(ticket.status.value, ticket.finished_at, now,
                            hub.center.rules.rating_days)
            if uow.ratings.of_ticket(ticket.id) is not None:
                raise AlreadyRatedError("this ticket has been rated already")
            rating_id = uow.ratings.add(
                ticket_id=ticket.id, level=parsed.level, reasons=list(parsed.reasons),
                comment=parsed.comment, channel=channel, at=now, service_day=ticket.service_day,
                number=ticket.number, matter_id=ticket.matter_id, unit_id=ticket.unit_id,
                window_id=ticket.window_id, clerk_id=ticket.clerk_id,
                device_id=pad.id if pad else None)
            opened, rect = None, None
            if is_bad(parsed.level):
                due = hub.calendar.deadline(now, hub.center.rules.rectify_working_days, hub.tz)
                item = Rectification.open(rating_id, parsed.level, now, due, actor)
                opened = uow.rectifications.add(item, ticket_id=ticket.id, service_day=ticket.service_day,
                                       unit_id=ticket.unit_id,
                                       window_id=ticket.window_id, clerk_id=ticket.clerk_id)
                rect = {"id": opened, "status": item.status.value}
            uow.outbox.add_for_ticket(ticket.id, RATING_CREATED, lambda: {
                "rating": export_row_of(hub, uow, uow.ratings.by_id(rating_id), rect)}, now)
            event = TicketRated(now, actor, ticket.id, ticket.window_id, None,
                                {"level": parsed.level, "channel": channel, "token": ticket.token})
            uow.events.append([event], hub.today(now))
            uow.commit()
            record = uow.ratings.of_ticket(ticket.id)
    except IntegrityError:
        # The pad and the phone (or two hubs) raced; the other one's rating stands.
        raise AlreadyRatedError("this ticket has been rated already") from None
    hub.publish([event])
    if opened is not None:
        announce(hub, opened, "open")
    return rating_json(hub, record)


# --- rating pads -----------------------------------------------------------------------------
def create_rating_pad(hub: Hub, *, name: object, window_id: object, key: str | None = None) -> dict:
    """``POST /devices {kind: rating_pad, name, window_id}``: a tablet facing the visitor."""
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise BadRequestError("name: a non-empty string of at most 200 characters",
                              code="invalid_field", field="name")
    # No window, or one the hall does not have: the pad cannot be placed (422, like an
    # unknown id in any body); whether a kind needs a window is not the body's shape.
    if not isinstance(window_id, str) or window_id not in hub.center.windows:
        raise UnprocessableError(f"unknown window {window_id!r}", code="unknown_window")
    key = key or secrets.token_urlsafe(24)
    try:
        with hub.uow() as uow:
            device_id = uow.devices.add(PAD_KIND, name.strip(), _digest(key), hub.now())
            uow.rating_pads.add(device_id, window_id)
            uow.commit()
        _pad_windows.pop(id(hub), None)  # this hub's pads hear their window at once
    except IntegrityError:
        raise ConflictError("a device with this key exists", code="device_exists") from None
    return {"id": device_id, "kind": PAD_KIND, "name": name.strip(), "key": key,
            "window_id": window_id}


def has_pad(hub: Hub, window_id: str) -> bool:
    """Whether the window has a rating pad (cached briefly: asked on every call and finish)."""
    cached = _pad_windows.get(id(hub))
    if cached is None or cached[0] < time.monotonic():
        with hub.reading() as repos:
            cached = (time.monotonic() + PAD_WINDOWS_CACHE_S, frozenset(repos.rating_pads.windows()))
        _pad_windows[id(hub)] = cached
    return window_id in cached[1]


def pad_window(hub: Hub, pad: DeviceIdentity) -> str:
    if pad.kind != PAD_KIND:
        raise ForbiddenError("this needs a rating_pad device")
    with hub.reading() as repos:
        window_id = repos.rating_pads.window_of(pad.id)
    if window_id is None or window_id not in hub.center.windows:
        raise ForbiddenError("this rating pad faces no window of the center")
    return window_id


def _clerk(repos, clerk_id: int | None) -> dict | None:
    user = repos.users.by_id(clerk_id) if clerk_id is not None else None
    if user is None:
        return None
    return {"name": user.name or user.username, "staff_number": user.username}


def rating_request(hub: Hub, repos, ticket) -> dict:
    """``rating_requested``: what the pad shows when its window finishes a ticket."""
    window = hub.center.window(ticket.window_id)
    matter = hub.center.matters.get(ticket.matter_id)
    clerk = _clerk(repos, ticket.clerk_id)
    return {
        "token": ticket.token,
        "number": ticket.number,
        "window_id": window.id,
        "window_number": window.number,
        "matter_name": matter.name if matter else ticket.matter_id,
        "clerk_name": clerk["name"] if clerk else None,
        # additions
        "matter_name_en": matter.name_en if matter else None,
        "staff_number": clerk["staff_number"] if clerk else None,
        "timeout_s": hub.center.rules.rating_pad_seconds,
    }


def pad_state(hub: Hub, repos, window_id: str) -> dict:
    """What an idle pad shows (window, clerk on duty) and the request it should show now:
    the ticket the window finished last, if unrated, not followed by a call and recent."""
    window = hub.center.window(window_id)
    state = repos.windows.get(window_id)
    clerk = _clerk(repos, state.clerk_id) if state and state.status.value != "closed" else None
    pending = None
    last = repos.rating_pads.last_finished(window_id, hub.today())
    if (last is not None and repos.tickets.at_window(window_id) is None
            and repos.ratings.of_ticket(last.id) is None
            and (hub.now() - last.finished_at).total_seconds() < hub.center.rules.rating_pad_seconds):
        pending = rating_request(hub, repos, last)
    return {"window_id": window.id, "window_number": window.number, "window_name": window.name,
            "window_name_en": window.name_en, "status": state.status.value if state else "closed",
            "clerk": clerk, "pending": pending}

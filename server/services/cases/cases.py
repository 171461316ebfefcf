"""办件 use cases: open a case when a ticket is accepted, show cases, decide them.

Who reads: managers, supervisors and admins every case; a clerk only the cases of his
home unit (``users.unit_id``); the visitor one case, with the token of its ticket. Who
decides: a manager (or admin), or a clerk of the case's unit. Every move writes an event
row (``case_opened``, ``case_decided``, ``case_picked_up``) in its transaction.
"""

from __future__ import annotations

from datetime import datetime

from server.db.repositories.cases import ConcurrentCaseError
from server.queueing.actors import Actor
from server.queueing.cases import (
    DUE_SOON_WORKING_DAYS,
    STATUSES,
    Case,
    CaseNotFoundError,
    CaseOpened,
    CaseStatus,
    format_case_no,
    normalize_case_no,
)
from server.queueing.errors import InvalidTransitionError
from server.queueing.tickets import Ticket
from server.realtime.names import CASE_CHANGED

from ..errors import BadRequestError, ForbiddenError
from ..hub import Hub
from ..views import local_iso

READERS = ("manager", "supervisor", "admin")
DECIDERS = ("manager", "admin")
LIST_LIMIT = 500


# --- opening ---------------------------------------------------------------------------
def working_days_of(hub: Hub, matter_id: str) -> int:
    """The matter's promised time limit (its guide), else the center's default."""
    matter = hub.center.matters.get(matter_id)
    guide = matter.guide if matter else None
    if guide is not None and guide.time_limit_days:
        return guide.time_limit_days
    return hub.center.rules.default_case_working_days


def open_case(hub: Hub, uow, ticket: Ticket, at: datetime, actor: Actor) -> CaseOpened:
    """Open the case of a ticket just finished as ``accepted``, in the caller's transaction."""
    year = at.astimezone(hub.tz).year
    sequence = uow.cases.next_sequence(year, ticket.unit_id)
    due = hub.calendar.deadline(at, working_days_of(hub, ticket.matter_id), hub.tz)
    case = Case(id=None, case_no=format_case_no(year, ticket.unit_id, sequence),
                status=CaseStatus.IN_PROGRESS, ticket_id=ticket.id, number=ticket.number,
                matter_id=ticket.matter_id, unit_id=ticket.unit_id, accepted_at=at, due_at=due)
    uow.cases.add(case, year)
    return CaseOpened(at, actor, ticket.id, ticket.window_id, None,
                      {"case_no": case.case_no, "matter_id": case.matter_id,
                       "unit_id": case.unit_id, "due_at": due.isoformat()})


# --- reading ---------------------------------------------------------------------------
def due_soon(hub: Hub, case: Case, now: datetime) -> bool:
    """In progress, not yet overdue, and due within two working days."""
    if case.status is not CaseStatus.IN_PROGRESS or case.overdue(now):
        return False
    return case.due_at <= hub.calendar.deadline(now, DUE_SOON_WORKING_DAYS, hub.tz)


def case_view(hub: Hub, case: Case, token: str | None, now: datetime | None = None) -> dict:
    """The contract's CASE, with a few additions (names, the flag, the note)."""
    now = now or hub.now()
    matter = hub.center.matters.get(case.matter_id)
    unit = hub.center.units.get(case.unit_id)
    return {
        "case_no": case.case_no,
        "status": case.status.value,
        "number": case.number,
        "ticket_token": token,
        "matter_id": case.matter_id,
        "unit_id": case.unit_id,
        "accepted_at": local_iso(hub, case.accepted_at),
        "due_at": local_iso(hub, case.due_at),
        "overdue": case.overdue(now),
        "decided_at": local_iso(hub, case.decided_at),
        "result": case.result.value if case.result else None,
        "picked_up_at": local_iso(hub, case.picked_up_at),
        # additions
        "due_soon": due_soon(hub, case, now),
        "decided_on_time": case.decided_on_time(),
        "note": case.note,
        "matter_name": matter.name if matter else None,
        "unit_name": unit.name if unit else None,
    }


def _home_unit(repos, actor: Actor) -> str | None:
    user = repos.users.by_id(int(actor.id)) if actor.kind == "user" else None
    return user.unit_id if user else None


def _reader_unit(repos, actor: Actor) -> str | None:
    """None for those who read every case; a clerk's home unit; 403 for anyone else."""
    if actor.kind == "user" and actor.role in READERS:
        return None
    if actor.kind == "user" and actor.role == "clerk":
        unit = _home_unit(repos, actor)
        if unit is not None:
            return unit
        raise ForbiddenError("a clerk without a home unit sees no cases")
    raise ForbiddenError("cases are read by managers, supervisors and the clerks of their unit")


def list_cases(hub: Hub, actor: Actor, *, status: str | None = None, unit_id: str | None = None,
               overdue: bool = False) -> list[dict]:
    if status is not None and status not in STATUSES:
        raise BadRequestError(f"status must be one of {', '.join(STATUSES)}", code="invalid_field",
                              field="status")
    now = hub.now()
    with hub.reading() as repos:
        own = _reader_unit(repos, actor)
        if own is not None:
            if unit_id is not None and unit_id != own:
                raise ForbiddenError("a clerk sees only the cases of his home unit")
            unit_id = own
        found = repos.cases.listing(status=status, unit_id=unit_id, limit=LIST_LIMIT,
                                    overdue_at=now if overdue else None)
        tokens = repos.cases.tokens([case.ticket_id for case in found])
    return [case_view(hub, case, tokens.get(case.ticket_id), now) for case in found]


def _find(repos, case_no: str, *, lock: bool = False) -> Case:
    case = repos.cases.by_case_no(normalize_case_no(case_no), lock=lock)
    if case is None:
        raise CaseNotFoundError(f"no case {case_no}")
    return case


def get_case(hub: Hub, case_no: str, actor: Actor | None, token: str | None = None) -> dict:
    """A reader, or anyone holding the token of the case's accepted ticket."""
    with hub.reading() as repos:
        case = _find(repos, case_no)
        ticket_token = repos.cases.token_of(case.ticket_id)
        if token is None or token != ticket_token:
            if actor is None:
                raise ForbiddenError("this case needs a manager's or its unit's login, or the "
                                     "token of its ticket")
            own = _reader_unit(repos, actor)
            if own is not None and own != case.unit_id:
                raise ForbiddenError("this case belongs to another unit")
    return case_view(hub, case, ticket_token)


def decide(hub: Hub, case_no: str, actor: Actor, result: object, note: object) -> dict:
    """Mark a case decided (approved or rejected); 409 ``invalid_transition`` unless in progress."""
    now = hub.now()
    with hub.uow() as uow:
        case = _find(uow, case_no, lock=True)
        if not (actor.kind == "user" and actor.role in DECIDERS):
            if actor.kind != "user" or actor.role != "clerk" or _home_unit(uow, actor) != case.unit_id:
                raise ForbiddenError("a case is decided by a manager or a clerk of its unit")
        before = case.status
        event = case.decide(result, note, actor, now)
        try:
            uow.cases.save(case, before, decided_by=int(actor.id))
        except ConcurrentCaseError:
            raise InvalidTransitionError(f"case {case.case_no} was just decided elsewhere") from None
        uow.events.append([event], hub.today(now))
        uow.commit()
        token = uow.cases.token_of(case.ticket_id)
    hub.publish([event])
    announce(hub, case)
    return case_view(hub, case, token, now)


def announce(hub: Hub, case: Case) -> None:
    """Tell every manager's and back office's page (all hubs) that a case changed."""
    hub.publisher.to_managers(CASE_CHANGED, {"case_no": case.case_no, "status": case.status.value,
                                             "unit_id": case.unit_id})

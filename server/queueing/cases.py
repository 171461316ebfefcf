"""办件: the case a ticket finished as ``accepted`` opens, its number and its state machine.

    in_progress ──decide (approved | rejected)──▶ decided ──pick up──▶ picked_up

A case number is read aloud at the counter and typed at the kiosk, so it is short and
plain: ``<year>-<UNIT>-<sequence>``, e.g. ``2026-POLICE-0042`` (the unit's id in capitals,
at least four digits). The sequence restarts every year per unit, drawn from one counter
row per (year, unit), so two hubs never give the same number. ``overdue``: not decided by
``due_at``; ``due_soon``: still in progress and due within two working days (the service
layer works both dates out with the center's ``WorkingCalendar``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import ClassVar

from .actors import Actor
from .errors import InvalidFieldError, InvalidTransitionError, NotFoundError, QueueingError
from .events import DomainEvent

SEQUENCE_DIGITS = 4
MAX_NOTE = 2000
DUE_SOON_WORKING_DAYS = 2
CASE_NO = re.compile(r"^(\d{4})-([A-Z0-9_-]+)-(\d+)$")


class CaseStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    DECIDED = "decided"
    PICKED_UP = "picked_up"


class CaseResult(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


RESULTS = tuple(r.value for r in CaseResult)
STATUSES = tuple(s.value for s in CaseStatus)


class CaseNotFoundError(NotFoundError):
    code = "case_not_found"
    default_message = "no such case"


class CaseNotReadyError(QueueingError):
    code = "case_not_ready"
    default_message = "the case is not decided yet"
    shown = ("due_at",)


class CasePickedUpError(QueueingError):
    code = "case_picked_up"
    default_message = "the result of this case has been collected already"


@dataclass(frozen=True)
class CaseOpened(DomainEvent):
    """data: case_no, matter_id, unit_id, due_at. ``ticket_id``: the accepted ticket."""

    kind: ClassVar[str] = "case_opened"


@dataclass(frozen=True)
class CaseDecided(DomainEvent):
    """data: case_no, result, note, on_time."""

    kind: ClassVar[str] = "case_decided"


@dataclass(frozen=True)
class CasePickupIssued(DomainEvent):
    """data: case_no, number. ``ticket_id``: the pickup ticket."""

    kind: ClassVar[str] = "case_pickup_issued"


@dataclass(frozen=True)
class CasePickedUp(DomainEvent):
    """data: case_no. ``ticket_id``: the pickup ticket."""

    kind: ClassVar[str] = "case_picked_up"


def format_case_no(year: int, unit_id: str, sequence: int) -> str:
    return f"{year}-{unit_id.upper()}-{sequence:0{SEQUENCE_DIGITS}d}"


def normalize_case_no(text: object) -> str:
    """What a visitor typed or a scanner sent, as stored: trimmed, capitals, no spaces."""
    if not isinstance(text, str):
        raise InvalidFieldError("case_no must be a string", field="case_no")
    return re.sub(r"\s+", "", text).upper()


def parse_result(value: object) -> CaseResult:
    if value not in RESULTS:
        raise InvalidFieldError(f"result must be one of {', '.join(RESULTS)}", field="result")
    return CaseResult(value)


@dataclass
class Case:
    id: int | None
    case_no: str
    status: CaseStatus
    ticket_id: int
    number: str
    matter_id: str
    unit_id: str
    accepted_at: datetime
    due_at: datetime
    decided_at: datetime | None = None
    result: CaseResult | None = None
    note: str | None = None
    picked_up_at: datetime | None = None
    pickup_ticket_id: int | None = None

    def overdue(self, now: datetime) -> bool:
        """Not decided by its due date (decided late counts as overdue no more)."""
        return self.status is CaseStatus.IN_PROGRESS and now > self.due_at

    def decided_on_time(self) -> bool | None:
        return None if self.decided_at is None else self.decided_at <= self.due_at

    def decide(self, result: object, note: object, actor: Actor, at: datetime) -> CaseDecided:
        parsed = parse_result(result)
        if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
            raise InvalidFieldError(f"note must be text of at most {MAX_NOTE} characters",
                                    field="note")
        if self.status is not CaseStatus.IN_PROGRESS:
            raise InvalidTransitionError(f"case {self.case_no} is {self.status.value}, not in_progress")
        self.status, self.result, self.decided_at = CaseStatus.DECIDED, parsed, at
        self.note = note or None
        return CaseDecided(at, actor, self.ticket_id, None, None,
                           {"case_no": self.case_no, "result": parsed.value, "note": self.note,
                            "on_time": self.decided_on_time()})

    def ensure_collectable(self, tz: tzinfo) -> None:
        """A pickup ticket may be issued only for a decided case (``due_at`` in the refusal)."""
        if self.status is CaseStatus.PICKED_UP:
            raise CasePickedUpError(f"the result of case {self.case_no} has been collected already")
        if self.status is not CaseStatus.DECIDED:
            raise CaseNotReadyError(
                f"case {self.case_no} is not decided yet; it is due by "
                f"{self.due_at.astimezone(tz).isoformat(timespec='seconds')}",
                due_at=self.due_at.astimezone(tz).isoformat(timespec="seconds"))

    def pick_up(self, pickup_ticket_id: int, actor: Actor, at: datetime) -> CasePickedUp:
        if self.status is not CaseStatus.DECIDED:
            raise InvalidTransitionError(f"case {self.case_no} is {self.status.value}, not decided")
        self.status, self.picked_up_at = CaseStatus.PICKED_UP, at
        return CasePickedUp(at, actor, pickup_ticket_id, None, None, {"case_no": self.case_no})

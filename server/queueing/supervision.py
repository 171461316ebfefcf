"""Electronic supervision (电子监察): the rules of ``rules.supervision`` as pure functions.

Each rule reads plain inputs and the time ``now`` from the caller's clock and answers
the findings that hold at ``now``. A finding carries a ``key`` naming its occurrence
(``long_wait:<ticket>:<stint>``, ``window_unattended:<window>:<since>``...) and ``at``,
the moment its threshold was crossed, so evaluating again, later or on another hub
gives the same finding: the store keeps one row per key. ``Watch`` does the same in
memory for a single evaluator.

Waits and absences count **opening time** only (``ServiceHours.open_seconds``): the
lunch break and the hours after closing do not make a visitor wait longer or a window
unattended. The rules:

* ``window_unattended``: a window closed, paused or never opened that day, for
  ``unattended_minutes`` of opening time, while one of its queues has a visitor who
  has waited ``unattended_wait_minutes``. Once per stretch of absence.
* ``quick_no_show`` (刷号): a no-show marked less than ``quick_no_show_seconds`` after
  the ticket's first call at its queue (0 turns the rule off).
* ``long_wait``: a visitor waiting ``long_wait_minutes`` in one queue (once per queue
  the ticket waited in, a transfer starts a new wait).
* ``transfer_loop``: a ticket's transfer number ``transfer_limit + 1``, or a transfer
  back to a queue it left. Once per ticket.
* ``rectification_overdue``, ``case_overdue``: not finished by ``due_at``; at ``due_at``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

from .center import Center
from .events import (
    TicketCalled,
    TicketCancelled,
    TicketFinished,
    TicketIssued,
    TicketNoShow,
    TicketTransferred,
)
from .facts import EventRow, clerk_id_of
from .hours import ServiceHours
from .rules import SupervisionRules
from .windows import WindowStatus

KINDS = ("window_unattended", "quick_no_show", "long_wait", "transfer_loop", "case_overdue",
         "rectification_overdue")


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str  # one occurrence: stored once
    at: datetime  # when the threshold was crossed
    window_id: str | None = None
    unit_id: str | None = None
    user_id: int | None = None
    ticket_id: int | None = None
    ticket_number: str | None = None
    case_no: str | None = None
    rectification_id: int | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


# --- tickets: their events folded into what the rules read ------------------------------
@dataclass
class Stint:
    """One wait in one queue: from issue (or a transfer) to the next call."""

    queue_id: str | None
    start: datetime
    end: datetime | None = None


@dataclass
class TicketTrack:
    ticket_id: int
    number: str | None
    unit_id: str | None
    stints: list[Stint]
    first_call_at: datetime | None = None  # the first call since the ticket entered its queue
    window_id: str | None = None
    clerk_id: int | None = None
    no_show: tuple[datetime, datetime, str | None, int | None] | None = None  # call, mark, window, clerk
    transfers: list[tuple[datetime, str | None, str | None, str | None, int | None]] = field(
        default_factory=list)  # at, from, to, window, clerk

    @property
    def waiting_since(self) -> datetime | None:
        last = self.stints[-1]
        return last.start if last.end is None and self.no_show is None else None


class TicketTracks:
    """Tickets of one day, folded event by event (``feed``), in the order written."""

    def __init__(self, center: Center) -> None:
        self.center = center
        self.tickets: dict[int, TicketTrack] = {}
        self.closed: set[int] = set()  # done, cancelled: no longer waiting

    def feed(self, rows: Iterable[EventRow]) -> None:
        for row in rows:
            self._step(row)

    def _step(self, row: EventRow) -> None:
        kind, data = row.kind, row.data or {}
        if kind == TicketIssued.kind:
            matter = self.center.matters.get(data.get("matter_id"))
            self.tickets[row.ticket_id] = TicketTrack(
                row.ticket_id, data.get("number"), matter.unit_id if matter else None,
                [Stint(row.queue_id, row.at)])
            return
        track = self.tickets.get(row.ticket_id)
        if track is None:
            return
        stint = track.stints[-1]
        if kind == TicketCalled.kind:
            if stint.end is None:
                stint.end = row.at
            if track.first_call_at is None:
                track.first_call_at = row.at
            track.window_id, track.clerk_id = row.window_id, clerk_id_of(row.actor)
        elif kind == TicketNoShow.kind:
            track.no_show = (track.first_call_at or row.at, row.at, row.window_id or track.window_id,
                             clerk_id_of(row.actor) or track.clerk_id)
        elif kind == TicketTransferred.kind:
            if stint.end is None:
                stint.end = row.at
            to_queue = data.get("to_queue") or row.queue_id
            track.transfers.append((row.at, data.get("from_queue") or stint.queue_id, to_queue,
                                    data.get("from_window") or row.window_id or track.window_id,
                                    clerk_id_of(row.actor)))
            track.stints.append(Stint(to_queue, row.at))
            track.first_call_at = None
        elif kind in (TicketFinished.kind, TicketCancelled.kind):
            if stint.end is None:
                stint.end = row.at
            self.closed.add(row.ticket_id)

    def waiting_since_by_queue(self) -> dict[str, datetime]:
        """The start of the longest wait now in each queue."""
        oldest: dict[str, datetime] = {}
        for ticket_id, track in self.tickets.items():
            since = None if ticket_id in self.closed else track.waiting_since
            queue_id = track.stints[-1].queue_id
            if since is not None and queue_id and (queue_id not in oldest or since < oldest[queue_id]):
                oldest[queue_id] = since
        return oldest


# --- the rules --------------------------------------------------------------------------
def _local(at: datetime, tz: tzinfo) -> datetime:
    return at.astimezone(tz)


def long_wait(tracks: TicketTracks, rules: SupervisionRules, hours: ServiceHours, tz: tzinfo,
              now: datetime) -> list[Finding]:
    limit = rules.long_wait_minutes * 60
    found = []
    for track in tracks.tickets.values():
        for index, stint in enumerate(track.stints):
            end = stint.end
            due = hours.after_open(_local(stint.start, tz), limit)
            if due is None or due > now or (end is not None and due > end):
                continue
            found.append(Finding("long_wait", f"long_wait:{track.ticket_id}:{index}", due,
                                 unit_id=track.unit_id, ticket_id=track.ticket_id,
                                 ticket_number=track.number,
                                 detail={"queue_id": stint.queue_id, "minutes": rules.long_wait_minutes}))
    return found


def quick_no_show(tracks: TicketTracks, rules: SupervisionRules, now: datetime) -> list[Finding]:
    found = []
    for track in tracks.tickets.values():
        if track.no_show is None:
            continue
        called, marked, window_id, clerk_id = track.no_show
        seconds = (marked - called).total_seconds()
        if marked <= now and seconds < rules.quick_no_show_seconds:
            found.append(Finding("quick_no_show", f"quick_no_show:{track.ticket_id}", marked,
                                 window_id=window_id, unit_id=track.unit_id, user_id=clerk_id,
                                 ticket_id=track.ticket_id, ticket_number=track.number,
                                 detail={"seconds": round(seconds, 1)}))
    return found


def transfer_loop(tracks: TicketTracks, rules: SupervisionRules, now: datetime) -> list[Finding]:
    found = []
    for track in tracks.tickets.values():
        left: list[str | None] = []
        for count, (at, from_queue, to_queue, window_id, clerk_id) in enumerate(track.transfers, 1):
            back = to_queue in left
            left.append(from_queue)
            if at <= now and (count > rules.transfer_limit or back):
                found.append(Finding("transfer_loop", f"transfer_loop:{track.ticket_id}", at,
                                     window_id=window_id, unit_id=track.unit_id, user_id=clerk_id,
                                     ticket_id=track.ticket_id, ticket_number=track.number,
                                     detail={"transfers": count, "back_to": to_queue if back else None}))
                break
    return found


@dataclass(frozen=True)
class WindowWatch:
    """A window as the rule reads it: its state now, and who is answerable for it."""

    window_id: str
    status: WindowStatus
    since: datetime | None
    user_id: int | None = None
    unit_id: str | None = None


def window_unattended(windows: Iterable[WindowWatch], center: Center, waiting_since: Mapping[str, datetime],
                      rules: SupervisionRules, tz: tzinfo, day: date, now: datetime) -> list[Finding]:
    """``waiting_since``: the start of the longest wait now, by queue (``TicketTracks``)."""
    hours = center.hours
    day_start = datetime.combine(day, time(0), tz)
    found = []
    for window in windows:
        if window.status is WindowStatus.OPEN or window.window_id not in center.windows:
            continue
        since = window.since if window.since is not None and window.since > day_start else day_start
        absent = hours.after_open(_local(since, tz), rules.unattended_minutes * 60)
        waits = [waiting_since[q] for q in center.windows[window.window_id].queue_ids if q in waiting_since]
        if absent is None or absent > now or not waits:
            continue
        waited = hours.after_open(_local(min(waits), tz), rules.unattended_wait_minutes * 60)
        if waited is None or waited > now:
            continue
        key_since = "day" if since == day_start else since.astimezone(tz).isoformat(timespec="seconds")
        found.append(Finding("window_unattended", f"window_unattended:{window.window_id}:{day}:{key_since}",
                             max(absent, waited), window_id=window.window_id, unit_id=window.unit_id,
                             user_id=window.user_id,
                             detail={"status": window.status.value, "since": since.isoformat(),
                                     "minutes": rules.unattended_minutes}))
    return found


@dataclass(frozen=True)
class Due:
    """Something that must be finished by ``due_at``: a rectification or a case."""

    ident: str | int
    due_at: datetime
    finished_at: datetime | None  # closed, overturned (a rectification); decided (a case)
    unit_id: str | None = None
    user_id: int | None = None
    window_id: str | None = None
    ticket_number: str | None = None


def _overdue(kind: str, items: Iterable[Due], now: datetime) -> list[Finding]:
    found = []
    for item in items:
        if item.due_at <= now and (item.finished_at is None or item.finished_at > item.due_at):
            found.append(Finding(
                kind, f"{kind}:{item.ident}", item.due_at, window_id=item.window_id,
                unit_id=item.unit_id, user_id=item.user_id, ticket_number=item.ticket_number,
                case_no=str(item.ident) if kind == "case_overdue" else None,
                rectification_id=int(item.ident) if kind == "rectification_overdue" else None,
                detail={"due_at": item.due_at.isoformat()}))
    return found


def rectification_overdue(items: Iterable[Due], now: datetime) -> list[Finding]:
    return _overdue("rectification_overdue", items, now)


def case_overdue(items: Iterable[Due], now: datetime) -> list[Finding]:
    """Cases (``ident`` = the case number) not decided by their due date."""
    return _overdue("case_overdue", items, now)


class Watch:
    """Remembers which occurrences were reported: ``fresh`` answers each finding once."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.known = set(known)

    def fresh(self, findings: Iterable[Finding]) -> list[Finding]:
        new = [f for f in findings if f.key not in self.known]
        self.known.update(f.key for f in new)
        return new

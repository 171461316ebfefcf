"""The ticket and its state machine.

    waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
       ▲                │  │                │
       └──transfer──────┘  └──no_show──▶ no_show
    waiting ──cancel──▶ cancelled

A called ticket may be recalled (announced again) any number of times. A ticket may be
finished straight from ``called`` (the clerk did not press Start); its service then
counts from the call. A transfer puts the ticket back to ``waiting`` in another queue
with its number and its issue time, so it keeps its place by issue time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .actors import Actor
from .errors import InvalidOutcomeError, InvalidTransitionError
from .events import (
    ServiceStarted,
    TicketCalled,
    TicketCancelled,
    TicketFinished,
    TicketNoShow,
    TicketRecalled,
    TicketTransferred,
)


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    COMPLETED = "completed"  # finished on the spot
    ACCEPTED = "accepted"  # accepted for the back office, within a time limit
    RETURNED = "returned"  # materials missing; the visitor was told what, at once


OPEN_STATUSES = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING})
AT_WINDOW_STATUSES = frozenset({TicketStatus.CALLED, TicketStatus.SERVING})

# The state machine in one table: each action and the statuses it may start from. The
# transitions below check it, and ``Ticket.can`` answers from it for the pages.
TICKET_ACTIONS: dict[str, frozenset[TicketStatus]] = {
    "call": frozenset({TicketStatus.WAITING}),
    "recall": frozenset({TicketStatus.CALLED}),
    "start": frozenset({TicketStatus.CALLED}),
    "finish": AT_WINDOW_STATUSES,
    "no_show": frozenset({TicketStatus.CALLED}),
    "transfer": AT_WINDOW_STATUSES,
    "cancel": frozenset({TicketStatus.WAITING}),
}


@dataclass(frozen=True)
class FirstSet:
    """A column's new value: the first of these columns of the ticket that is set."""

    columns: tuple[str, ...]


@dataclass(frozen=True)
class Increased:
    """A column's new value: its own, plus one."""

    column: str


def at_window_change(action: str, at: datetime, outcome: Outcome | None = None) -> dict[str, object]:
    """What ``action`` (recall, start, finish, no_show) sets on a ticket at a window,
    column by column: a value, or a ``FirstSet`` / ``Increased`` of the ticket's own
    columns. The transitions below apply it; a store may apply it to the row in one
    conditional statement, from the statuses ``TICKET_ACTIONS`` allows, without reading
    the ticket first."""
    if action == "recall":
        return {"recalls": Increased("recalls")}
    if action == "start":
        return {"status": TicketStatus.SERVING, "started_at": at}
    if action == "finish":  # not started: its service counts from the call
        return {"started_at": FirstSet(("started_at", "called_at")), "status": TicketStatus.DONE,
                "outcome": outcome, "finished_at": at}
    if action == "no_show":
        return {"status": TicketStatus.NO_SHOW, "finished_at": at}
    raise ValueError(f"no change at a window for {action!r}")


# The event each ``at_window_change`` action makes (``Ticket.changed_event``).
CHANGE_EVENTS = {"recall": TicketRecalled, "start": ServiceStarted, "finish": TicketFinished,
                 "no_show": TicketNoShow}


def parse_outcome(value: object) -> Outcome:
    try:
        return Outcome(str(value))
    except ValueError:
        allowed = ", ".join(o.value for o in Outcome)
        raise InvalidOutcomeError(f"outcome must be one of {allowed}; got {value!r}") from None


@dataclass
class Ticket:
    id: int | None
    token: str
    number: str
    service_day: date
    prefix: str
    sequence: int
    matter_id: str
    queue_id: str
    unit_id: str
    issued_at: datetime
    priority: int = 0
    priority_reason: str | None = None
    status: TicketStatus = TicketStatus.WAITING
    window_id: str | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    outcome: Outcome | None = None
    recalls: int = 0
    transfers: int = 0
    quoted_wait_s: int | None = None
    idempotency_key: str | None = None
    device_id: str | None = None
    clerk_id: int | None = None
    slot_start: datetime | None = None  # a checked-in appointment's slot (预约): called first once begun

    # --- transitions -------------------------------------------------------------
    def can(self, action: str) -> bool:
        """Whether ``action`` (a key of ``TICKET_ACTIONS``) applies to the ticket now."""
        return self.status in TICKET_ACTIONS[action]

    def _require(self, action: str) -> None:
        if not self.can(action):
            wanted = " or ".join(sorted(s.value for s in TICKET_ACTIONS[action]))
            verb = "mark as no-show" if action == "no_show" else action
            raise InvalidTransitionError(
                f"cannot {verb} ticket {self.number}: it is {self.status.value}, not {wanted}",
                ticket=self.number,
                status=self.status.value,
            )

    def call(self, window_id: str, clerk_id: int | None, at: datetime, actor: Actor) -> TicketCalled:
        self._require("call")
        self.status = TicketStatus.CALLED
        self.window_id = window_id
        self.clerk_id = clerk_id
        self.called_at = at
        return TicketCalled(at, actor, self.id, window_id, self.queue_id, {"number": self.number})

    def _apply(self, change: dict[str, object]) -> None:
        """Set the columns of an ``at_window_change``, each from the ticket as it was."""
        values = {}
        for name, value in change.items():
            if isinstance(value, FirstSet):
                value = next((getattr(self, c) for c in value.columns if getattr(self, c) is not None), None)
            elif isinstance(value, Increased):
                value = getattr(self, value.column) + 1
            values[name] = value
        for name, value in values.items():
            setattr(self, name, value)

    def changed_event(self, action: str, at: datetime, actor: Actor):
        """The event of an ``at_window_change`` (recall, start, finish, no_show), from the
        ticket as the change left it."""
        kind = CHANGE_EVENTS.get(action)
        if kind is None:
            raise ValueError(f"no change at a window for {action!r}")
        data: dict[str, object] = {"number": self.number}
        if action == "recall":
            data["recalls"] = self.recalls
        elif action == "finish":
            data["outcome"] = self.outcome.value
        return kind(at, actor, self.id, self.window_id, self.queue_id, data)

    def recall(self, at: datetime, actor: Actor) -> TicketRecalled:
        self._require("recall")
        self._apply(at_window_change("recall", at))
        return self.changed_event("recall", at, actor)

    def start(self, at: datetime, actor: Actor) -> ServiceStarted:
        self._require("start")
        self._apply(at_window_change("start", at))
        return self.changed_event("start", at, actor)

    def finish(self, outcome: Outcome, at: datetime, actor: Actor) -> TicketFinished:
        self._require("finish")
        self._apply(at_window_change("finish", at, outcome))
        return self.changed_event("finish", at, actor)

    def no_show(self, at: datetime, actor: Actor) -> TicketNoShow:
        self._require("no_show")
        self._apply(at_window_change("no_show", at))
        return self.changed_event("no_show", at, actor)

    def transfer(self, queue_id: str, at: datetime, actor: Actor) -> TicketTransferred:
        self._require("transfer")
        from_queue, from_window = self.queue_id, self.window_id
        self.queue_id = queue_id
        self.status = TicketStatus.WAITING
        self.window_id = None
        self.clerk_id = None
        self.called_at = None
        self.started_at = None
        self.transfers += 1
        return TicketTransferred(
            at, actor, self.id, from_window, queue_id,
            {"number": self.number, "from_queue": from_queue, "to_queue": queue_id,
             "from_window": from_window},
        )

    def cancel(self, reason: str, at: datetime, actor: Actor) -> TicketCancelled:
        self._require("cancel")
        self.status = TicketStatus.CANCELLED
        self.finished_at = at
        return TicketCancelled(
            at, actor, self.id, None, self.queue_id, {"number": self.number, "reason": reason}
        )

    # --- derived figures --------------------------------------------------------
    @property
    def wait_s(self) -> float | None:
        """Seconds from issue to the (last) call, once called."""
        if self.called_at is None:
            return None
        return (self.called_at - self.issued_at).total_seconds()

    @property
    def service_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

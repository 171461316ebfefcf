"""差评整改: the rectification that follows every bad rating, and its state machine.

    open ──verify valid──▶ rectifying ──rectify──▶ rectified ──callback──▶ closed
      │                        ▲
      └─verify disputed─▶ appealed ──review upheld──┘
                               └──review overturned──▶ overturned

A rating of level 1 or 2 opens one, due ``rectify_working_days`` working days later (the
service layer works the date out with the center's ``WorkingCalendar``). Every move needs
a ``note`` and is recorded as a step with its actor and time: the item's history. Who may
make which move (manager, supervisor) is the service layer's check; which moves exist is
this module's. ``overdue``: not closed or overturned, and past ``due_at``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .actors import Actor
from .errors import InvalidFieldError, InvalidTransitionError, MissingFieldError
from .ratings import is_parsed_level


class RectificationStatus(StrEnum):
    OPEN = "open"
    RECTIFYING = "rectifying"
    APPEALED = "appealed"
    OVERTURNED = "overturned"
    RECTIFIED = "rectified"
    CLOSED = "closed"


FINAL = frozenset({RectificationStatus.CLOSED, RectificationStatus.OVERTURNED})
FINDINGS = ("valid", "disputed")
DECISIONS = ("upheld", "overturned")
MAX_NOTE = 2000

# action → (the status it leaves, {choice: the status it reaches})
MOVES: dict[str, tuple[RectificationStatus, dict[Any, RectificationStatus]]] = {
    "verify": (RectificationStatus.OPEN, {"valid": RectificationStatus.RECTIFYING,
                                          "disputed": RectificationStatus.APPEALED}),
    "review": (RectificationStatus.APPEALED, {"upheld": RectificationStatus.RECTIFYING,
                                              "overturned": RectificationStatus.OVERTURNED}),
    "rectify": (RectificationStatus.RECTIFYING, {None: RectificationStatus.RECTIFIED}),
    "callback": (RectificationStatus.RECTIFIED, {True: RectificationStatus.CLOSED,
                                                 False: RectificationStatus.CLOSED}),
}


@dataclass(frozen=True)
class Step:
    """One event of a rectification's history."""

    at: datetime
    action: str  # opened | verify | review | rectify | callback
    actor: Actor
    note: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rectification:
    id: int | None
    rating_id: int
    status: RectificationStatus
    opened_at: datetime
    due_at: datetime
    history: list[Step] = field(default_factory=list)

    @classmethod
    def open(cls, rating_id: int, level: int, at: datetime, due_at: datetime,
             actor: Actor) -> Rectification:
        """The rectification a bad rating opens; ValueError for a level that opens none."""
        if not is_parsed_level(level) or level > 2:
            raise ValueError(f"a rating of level {level} opens no rectification")
        step = Step(at, "opened", actor, None, {"level": level})
        return cls(None, rating_id, RectificationStatus.OPEN, at, due_at, [step])

    def overdue(self, now: datetime) -> bool:
        return self.status not in FINAL and now > self.due_at

    def allowed_actions(self) -> list[str]:
        return [action for action, (source, _) in MOVES.items() if source is self.status]

    def verify(self, finding: object, note: object, actor: Actor, now: datetime) -> Step:
        """A manager checks the rating: ``valid`` (rectify it) or ``disputed`` (appeal)."""
        _choice(finding, FINDINGS, "finding")
        return self._move("verify", finding, note, actor, now, {"finding": finding})

    def review(self, decision: object, note: object, actor: Actor, now: datetime) -> Step:
        """The supervisor decides an appeal: ``upheld`` (rectify after all) or ``overturned``."""
        _choice(decision, DECISIONS, "decision")
        return self._move("review", decision, note, actor, now, {"decision": decision})

    def rectify(self, note: object, actor: Actor, now: datetime) -> Step:
        """What was done about it."""
        return self._move("rectify", None, note, actor, now, {})

    def callback(self, reached: object, note: object, actor: Actor, now: datetime,
                 level: object = None) -> Step:
        """The visitor was called back (``reached`` or not) and told; optionally their new level."""
        if not isinstance(reached, bool):
            if reached is None:
                raise MissingFieldError("missing field 'reached'", field="reached")
            raise InvalidFieldError("reached must be true or false", field="reached")
        if level is not None and not is_parsed_level(level):
            raise InvalidFieldError(f"level must be an integer 1..5, got {level!r}", field="level")
        detail: dict[str, Any] = {"reached": reached}
        if level is not None:
            detail["level"] = level
        return self._move("callback", reached, note, actor, now, detail)

    def _move(self, action: str, choice: Any, note: object, actor: Actor, now: datetime,
              detail: dict[str, Any]) -> Step:
        source, targets = MOVES[action]
        if self.status is not source:
            raise InvalidTransitionError(
                f"cannot {action} a rectification that is {self.status.value} "
                f"(allowed: {', '.join(self.allowed_actions()) or 'nothing'})",
                status_now=self.status.value,
            )
        text = _note(note)
        self.status = targets[choice]
        step = Step(now, action, actor, text, detail)
        self.history.append(step)
        return step


def _note(note: object) -> str:
    if note is None or (isinstance(note, str) and not note.strip()):
        raise MissingFieldError("missing field 'note'", field="note")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise InvalidFieldError(f"note must be a text of at most {MAX_NOTE} characters",
                                field="note")
    return note.strip()


def _choice(value: object, choices: tuple[str, ...], name: str) -> None:
    if value is None:
        raise MissingFieldError(f"missing field {name!r}", field=name)
    if value not in choices:
        raise InvalidFieldError(f"{name} must be one of {', '.join(choices)}, got {value!r}",
                                field=name)

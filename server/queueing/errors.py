"""Errors raised by the queueing core.

Every error carries a snake_case ``code`` used verbatim in the API's JSON error
body. The core knows nothing of HTTP: which status each error answers with is decided
in one table, ``server/api/errors.py``.
"""

from __future__ import annotations

from typing import Any


class QueueingError(Exception):
    """Base of every error the core raises."""

    code = "queueing_error"
    default_message = "queueing error"
    # The details a client may show in its own words: they go in the answer as ``details``
    # (the message is the hub's English; a kiosk or phone page writes its own text).
    shown: tuple[str, ...] = ()

    def __init__(self, message: str | None = None, *, code: str | None = None, **details: Any) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code  # a more precise code than the class's, e.g. unknown_device
        self.details = details
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        """The ``{"code", "message"}`` of an API error body, and its ``details`` if it shows any."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        details = self.public_details()
        if details:
            out["details"] = details
        return out

    def public_details(self) -> dict[str, Any]:
        return {k: self.details[k] for k in self.shown if self.details.get(k) is not None}


class NotFoundError(QueueingError):
    """Something named in the request does not exist (the one not-found error)."""

    code = "not_found"
    default_message = "not found"


class _UnknownIdMixin:
    """Shared constructor for errors raised about an id that does not exist."""

    kind = "object"

    def __init__(self, object_id: str, message: str | None = None, **details: Any) -> None:
        self.object_id = object_id
        if message is None:
            message = f"unknown {self.kind} {object_id!r}"
        super().__init__(message, id=object_id, **details)  # type: ignore[call-arg]

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle as cls(*args); rebuild from the id, not the message.
        extra = {k: v for k, v in self.details.items() if k != "id"}  # type: ignore[attr-defined]
        return (_rebuild_unknown, (type(self), self.object_id, self.message, extra))


def _rebuild_unknown(cls: type, object_id: str, message: str, details: dict[str, Any]) -> Any:
    return cls(object_id, message, **details)


class UnknownMatterError(_UnknownIdMixin, QueueingError):
    code = "unknown_matter"
    kind = "matter"


class UnknownQueueError(_UnknownIdMixin, QueueingError):
    code = "unknown_queue"
    kind = "queue"


class UnknownWindowError(_UnknownIdMixin, NotFoundError):
    code = "unknown_window"
    kind = "window"


class TicketNotFoundError(NotFoundError):
    code = "ticket_not_found"
    default_message = "ticket not found"


class QueueEmptyError(QueueingError):
    code = "queue_empty"
    default_message = "no ticket is waiting"


class WindowBusyError(QueueingError):
    code = "window_busy"
    default_message = "the window has a ticket that is not finished"


class WindowClosedError(QueueingError):
    code = "window_closed"
    default_message = "the window is closed"


class WindowPausedError(QueueingError):
    code = "window_paused"
    default_message = "the window is paused"


class WindowTakenError(QueueingError):
    code = "window_taken"
    default_message = "another clerk holds the window"


class NoCurrentTicketError(QueueingError):
    code = "no_current_ticket"
    default_message = "the window has no current ticket"


class InvalidTransitionError(QueueingError):
    code = "invalid_transition"
    default_message = "the ticket cannot make this change"


class InvalidOutcomeError(QueueingError):
    code = "invalid_outcome"
    default_message = "invalid outcome"


class PriorityNotAllowedError(QueueingError):
    code = "priority_not_allowed"
    default_message = "priority not allowed"


class CenterDefinitionError(QueueingError):
    """A center definition breaks a rule; the message names the field at fault."""

    code = "bad_center"
    default_message = "bad center definition"


class CenterUpdateRefusedError(CenterDefinitionError):
    """A new center definition would change something structural of the stored one."""

    code = "center_update_refused"
    default_message = "center update refused"


# --- 好差评 ratings and rectifications (issue 11) ---------------------------------------
class InvalidFieldError(QueueingError):
    """A field of the request has a value outside what the core accepts (a level 0..6)."""

    code = "invalid_field"
    default_message = "invalid field"


class MissingFieldError(QueueingError):
    code = "missing_field"
    default_message = "a required field is missing"


class AlreadyRatedError(QueueingError):
    code = "already_rated"
    default_message = "this ticket has been rated already"


class NotRateableError(QueueingError):
    code = "not_rateable"
    default_message = "only a finished ticket can be rated"

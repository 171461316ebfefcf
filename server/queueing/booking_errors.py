"""Errors of appointments (预约), beside ``errors.py``: each carries the contract's code;
``server/api/errors.py`` gives each its HTTP status."""

from __future__ import annotations

from .errors import InvalidFieldError, NotFoundError, QueueingError


class SlotUnavailableError(QueueingError):
    """Past, too far ahead, not a working day, outside the hours, closed, or a queue
    that takes no appointments."""

    code = "slot_unavailable"
    default_message = "this slot cannot be booked"


class SlotFullError(QueueingError):
    code = "slot_full"
    default_message = "this slot is fully booked"


class AlreadyBookedError(QueueingError):
    code = "already_booked"
    default_message = "this ID number already holds a booking on that day"


class BookingBlockedError(QueueingError):
    """Too many missed appointments: no new booking until ``until`` (a date)."""

    code = "booking_blocked"
    default_message = "booking is blocked after missed appointments"
    shown = ("until",)


class InvalidIdNumberError(InvalidFieldError):
    code = "invalid_id_number"
    default_message = "an ID number has 18 characters and a valid GB 11643 check digit"


class AppointmentNotFoundError(NotFoundError):
    code = "appointment_not_found"
    default_message = "no such appointment"


class TooLateToCancelError(QueueingError):
    code = "too_late_to_cancel"
    default_message = "it is too late to cancel this appointment"


class TooEarlyError(QueueingError):
    code = "too_early"
    default_message = "check-in opens shortly before the slot"
    shown = ("opens",)


class AppointmentMissedError(QueueingError):
    code = "appointment_missed"
    default_message = "this appointment was missed"
    shown = ("slot_end",)


class AppointmentStateError(QueueingError):
    """An appointment that is cancelled, or already checked in, for check-in or cancel."""

    code = "invalid_transition"
    default_message = "the appointment is not in a state that allows this"

"""Appointments (预约): slots, booking, a booking by its token, cancelling; the manager's
closures and blocks. Check-in at the kiosk is in ``kiosk_routes``' neighbour
``checkin_routes``. Answers carry only masked identity data.
"""

from __future__ import annotations

import io
from typing import Annotated

import qrcode
import qrcode.image.svg
from flask import Response
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from server.queueing.identity import MAX_NAME
from server.services.booking import appointments, closures, figures

from . import bp
from .limits import limited
from .parsing import hub, partner
from .schemas import Answer
from .spec import MANAGERS, PUBLIC, READERS, Raw, operation
from .validation import ErrorCode, IsoDate, OptionalDate

MatterId = Annotated[str, Field(min_length=1, max_length=64)]


def _text_only(value):
    """A time or a day is sent as its ISO text, never as a number (pydantic's lax mode
    would read 0 as 1970-01-01)."""
    if not isinstance(value, str):
        raise ValueError("must be ISO 8601 text")
    return value


# ISO 8601 text with an offset; Field(strict=False): parsed from text in a strict model.
Moment = Annotated[AwareDatetime, BeforeValidator(_text_only), Field(strict=False)]
Day = Annotated[IsoDate, BeforeValidator(_text_only), Field(strict=False)]


class SlotQuery(BaseModel):
    matter_id: MatterId
    date: OptionalDate = Field(None, description="one day; default every bookable day")


class SlotAnswer(Answer):
    start: str
    end: str
    capacity: int
    booked: int
    available: int


class Book(BaseModel):
    model_config = ConfigDict(strict=True)

    matter_id: str = Field(max_length=64)
    start: Annotated[Moment, ErrorCode("slot_unavailable")]
    name: str = Field(min_length=1, max_length=MAX_NAME)
    id_number: Annotated[str, Field(max_length=32), ErrorCode("invalid_id_number")]
    phone: str = Field(max_length=20)
    idempotency_key: str | None = Field(None, max_length=100)


class Appointment(Answer):
    token: str
    code: str
    status: str
    matter_id: str
    queue_id: str
    start: str
    end: str
    name_masked: str | None
    id_masked: str | None
    phone_masked: str | None
    cancel_reason: str | None


@operation(bp, "GET", "/appointments/slots", "The bookable slots of a matter's queue",
           query=SlotQuery, answers={200: list[SlotAnswer]}, errors={422: "unknown_matter"})
@limited("read")
def appointment_slots(query: SlotQuery):
    return appointments.list_slots(hub(), query.matter_id, query.date)


@operation(bp, "POST", "/appointments", "Book a slot (real name; answers carry masked data only)",
           access=PUBLIC, body=Book,
           answers={201: (Appointment, "booked"),
                    200: (Appointment, "the same idempotency_key again: the same booking")},
           errors={403: "booking_blocked (the message gives the date the block ends)",
                   409: "slot_full, slot_unavailable, already_booked",
                   422: "unknown_matter"})
@limited("write")
def book_appointment(body: Book):
    """Sent by the booking page, or signed by a partner (the provincial platform), which
    then hears of every change of the booking (``appointment.changed``)."""
    booker = partner()
    answer, created = appointments.book(
        hub(), matter_id=body.matter_id, start=body.start, name=body.name,
        id_number=body.id_number, phone=body.phone, idempotency_key=body.idempotency_key,
        channel="partner" if booker else "web", device_id=str(booker.id) if booker else None)
    return answer, 201 if created else 200


@operation(bp, "GET", "/appointments/<token>", "A booking, for the holder of its token",
           answers={200: Appointment}, errors={404: "appointment_not_found"})
@limited("read")
def appointment_by_token(token: str):
    return appointments.get_appointment(hub(), token)


@operation(bp, "POST", "/appointments/<token>/cancel", "Cancel a booking",
           answers={200: Appointment},
           errors={404: "appointment_not_found",
                   409: "too_late_to_cancel, invalid_transition (checked in or missed)"})
@limited("write")
def cancel_appointment(token: str):
    return appointments.cancel(hub(), token)


@operation(bp, "GET", "/appointments/<token>/qr.svg",
           "The booking code as a QR code (the kiosk's scanner types it at check-in)",
           answers={200: Raw(("image/svg+xml",))}, errors={404: "appointment_not_found"})
@limited("read")
def appointment_qr(token: str):
    booking = appointments.get_appointment(hub(), token)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(booking["code"])
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


class Close(BaseModel):
    model_config = ConfigDict(strict=True)

    day: Day
    start: Moment | None = None
    reason: str = Field(min_length=1, max_length=closures.MAX_REASON)


class Closure(Answer):
    id: int
    day: str
    start: str | None
    reason: str
    cancelled: int


class Block(Answer):
    id: int
    since: str
    until: str


class Lifted(Answer):
    id: int
    lifted: bool


@operation(bp, "POST", "/appointments/closures",
           "Close a day or one slot for appointments; its bookings are cancelled with the reason",
           access=MANAGERS, body=Close, answers={201: Closure}, errors={409: "slot_unavailable"})
def close_appointments(body: Close, actor):
    return closures.close(hub(), actor, day=body.day, start=body.start, reason=body.reason), 201


class ClosureRow(Answer):
    id: int
    day: str
    start: str | None
    reason: str
    closed_by: str
    closed_at: str


@operation(bp, "GET", "/appointments/closures", "Closed days and slots from today on",
           access=MANAGERS, answers={200: list[ClosureRow]})
def list_closures():
    return closures.list_closures(hub())


@operation(bp, "GET", "/appointments/blocks", "Active booking blocks (no identity data)",
           access=MANAGERS, answers={200: list[Block]})
def booking_blocks():
    return closures.list_blocks(hub())


@operation(bp, "POST", "/appointments/blocks/<int:block_id>/lift", "Lift a booking block (logged)",
           access=MANAGERS, answers={200: Lifted}, errors={404: "block_not_found"})
def lift_booking_block(block_id: int, actor):
    return closures.lift_block(hub(), actor, block_id)


class FiguresQuery(BaseModel):
    date: OptionalDate = Field(None, description="the service day; default today")


class DayFigures(Answer):
    queue_id: str
    bookings: int
    booked: int
    checked_in: int
    missed: int
    cancelled: int
    booked_wait_s: int | None
    walk_in_wait_s: int | None


@operation(bp, "GET", "/appointments/figures",
           "A day's bookings per queue, and the wait of booked visitors against walk-ins",
           access=READERS, query=FiguresQuery, answers={200: list[DayFigures]})
def appointment_figures(query: FiguresQuery):
    return figures.day_figures(hub(), query.date or hub().today())

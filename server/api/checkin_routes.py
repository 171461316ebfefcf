"""Check-in at the kiosk for a booked visitor (预约取号): ``POST /kiosk/check-in``.

Beside ``kiosk_routes`` (whose printing and links it reuses): the ticket is printed when
it is issued, and a retried check-in gives the same ticket, not printed again.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from server.services.accounts.users import DeviceIdentity
from server.services.booking import checkin

from . import bp
from .kiosk_routes import _base_url, _printing, _with_links
from .limits import limited
from .parsing import hub
from .schemas import Answer
from .schemas.tickets import PrintedTicket
from .spec import KIOSK, operation
from .validation import ErrorCode


class CheckIn(BaseModel):
    model_config = ConfigDict(strict=True)

    code: str | None = Field(None, max_length=16, description="the booking code")
    id_number: Annotated[str | None, Field(None, max_length=32),
                         ErrorCode("invalid_id_number")] = None
    print: bool = Field(True, description="false: issue without printing")


class AppointmentBrief(Answer):
    code: str
    start: str
    end: str


class CheckedInTicket(PrintedTicket):
    appointment: AppointmentBrief


@operation(bp, "POST", "/kiosk/check-in", "Check in a booked visitor: a ticket carrying the appointment",
           access=KIOSK, body=CheckIn,
           answers={201: (CheckedInTicket, "the ticket, printed unless print is false"),
                    200: (CheckedInTicket, "already checked in: the same ticket, not printed again")},
           errors={400: "missing_field (neither code nor id_number), invalid_id_number",
                   404: "appointment_not_found (also a cancelled one)",
                   409: "too_early (the message gives when check-in opens), appointment_missed"})
@limited("write")
def kiosk_check_in(device: DeviceIdentity, body: CheckIn):
    ticket, created = checkin.check_in(hub(), device.actor(), code=body.code,
                                       id_number=body.id_number, device_id=str(device.id))
    if created and body.print:
        printing = _printing().print_ticket(ticket, device_id=device.id, base_url=_base_url())
    else:
        printing = {"job_id": None, "via": None, "state": "not_printed"}
    return {**_with_links(ticket), "print": printing}, 201 if created else 200

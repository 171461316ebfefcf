"""办件 and 取件: cases opened by accepted tickets, their decisions, pickup at the kiosk and
the year-end clearance.

Who may read or decide which case is the service's rule (``services/cases/cases.py``): a
clerk only his home unit's; the declarations below let every member of staff in.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.queueing.cases import MAX_NOTE, RESULTS, STATUSES
from server.queueing.windows import window_range
from server.services.accounts.users import DeviceIdentity
from server.services.cases import cases, pickup, receipt, report
from server.services.issuing.ticket_paper import window_numbers

from . import bp
from .kiosk_routes import _base_url, _printing, _with_links
from .limits import limited
from .parsing import bearer_token, hub, staff
from .schemas import Answer
from .schemas.tickets import PrintedTicket
from .spec import KIOSK, READERS, STAFF, operation

CASE_NO_MAX = 100


class Case(Answer):
    case_no: str
    status: Literal[STATUSES]  # type: ignore[valid-type]
    number: str
    ticket_token: str | None
    matter_id: str
    unit_id: str
    accepted_at: str
    due_at: str
    overdue: bool
    decided_at: str | None
    result: Literal[RESULTS] | None  # type: ignore[valid-type]
    picked_up_at: str | None
    due_soon: bool


class CasesQuery(BaseModel):
    status: Literal[STATUSES] | None = None  # type: ignore[valid-type]
    unit_id: str | None = Field(None, max_length=64)
    overdue: bool = False


@operation(bp, "GET", "/cases", "Cases by due date, soonest first (a clerk: his home unit's)",
           access=STAFF, query=CasesQuery, answers={200: list[Case]})
def list_cases(actor, query: CasesQuery):
    return cases.list_cases(hub(), actor, status=query.status, unit_id=query.unit_id or None,
                            overdue=query.overdue)


class CaseQuery(BaseModel):
    token: str | None = Field(None, max_length=200,
                              description="the token of the case's ticket (the visitor's phone)")


@operation(bp, "GET", "/cases/<case_no>", "One case: to staff who may read it, or with its ticket's token",
           query=CaseQuery, answers={200: Case},
           errors={401: "unauthorized, invalid_token", 403: "forbidden (another unit's case)",
                   404: "case_not_found"})
@limited("read")
def get_case(case_no: str, query: CaseQuery):
    actor = staff() if bearer_token() else None
    return cases.get_case(hub(), case_no, actor, token=query.token)


class Decide(BaseModel):
    model_config = ConfigDict(strict=True)

    result: Literal[RESULTS]  # type: ignore[valid-type]
    note: str | None = Field(None, max_length=MAX_NOTE)


@operation(bp, "POST", "/cases/<case_no>/decide", "Mark a case decided: approved or rejected",
           access=STAFF, body=Decide, answers={200: Case},
           errors={403: "forbidden (a clerk of another unit)", 404: "case_not_found",
                   409: "invalid_transition"})
def decide_case(case_no: str, actor, body: Decide):
    return cases.decide(hub(), case_no, actor, body.result, body.note)


class PrintReceipt(BaseModel):
    model_config = ConfigDict(strict=True)

    window_id: str = Field(min_length=1, max_length=64, description="the window whose printer prints it")


class PrintedReceipt(Answer):
    case_no: str
    window_id: str
    printed: bool
    error: str | None


@operation(bp, "POST", "/cases/<case_no>/receipt", "Print the acceptance receipt (受理回执) at a window",
           access=STAFF, body=PrintReceipt, answers={200: PrintedReceipt},
           errors={403: "not_window_clerk", 404: "case_not_found, unknown_window",
                   409: "no_printer (the window has none)"})
def print_case_receipt(case_no: str, actor, body: PrintReceipt):
    """Sent by the counter page after an ``accepted`` finish; the answer says whether it printed."""
    return receipt.print_receipt(hub(), case_no, body.window_id, actor)


class Pickup(BaseModel):
    model_config = ConfigDict(strict=True)

    case_no: str = Field(min_length=1, max_length=CASE_NO_MAX,
                         description="typed, or read from the receipt's QR code")


class PickupTicket(PrintedTicket):
    case_no: str
    window_range: str


@operation(bp, "POST", "/kiosk/pickup", "A ticket in the pickup queue to collect a decided case (取件)",
           access=KIOSK, body=Pickup,
           answers={201: PickupTicket, 200: (PickupTicket, "the case's pickup ticket, still open")},
           errors={404: "case_not_found",
                   409: "case_not_ready (its due date in the message), case_picked_up, pickup_not_offered"})
@limited("write")
def kiosk_pickup(device: DeviceIdentity, body: Pickup):
    """Printed on the kiosk's printer like any ticket, unless it is the case's open one again."""
    ticket, created = pickup.issue_pickup(hub(), body.case_no, device.actor(), str(device.id))
    if created:
        printing = _printing().print_ticket(ticket, device_id=device.id, base_url=_base_url())
    else:
        printing = {"job_id": None, "via": None, "state": "not_printed"}
    numbers = window_numbers(hub(), ticket["queue_id"])
    return ({**_with_links(ticket), "print": printing, "window_range": window_range(numbers)},
            201 if created else 200)


class ReportQuery(BaseModel):
    year: int = Field(ge=2000, le=2100)


class UnitRow(Answer):
    unit_id: str
    opened: int
    decided: int
    decided_on_time: int
    open: int
    overdue_open: int


class YearReport(Answer):
    year: int
    opened: int
    decided: int
    decided_on_time: int
    open: int
    overdue_open: int
    by_unit: list[UnitRow]
    open_cases: list[Case]


@operation(bp, "GET", "/cases/report", "The year-end clearance (清零): a year's cases by unit, and the open ones",
           access=READERS, query=ReportQuery, answers={200: YearReport})
def cases_report(query: ReportQuery):
    return report.year_report(hub(), query.year)

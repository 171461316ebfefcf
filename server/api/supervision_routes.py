"""电子监察 REST calls: the supervision alerts, closing one, the monthly review per unit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.queueing.supervision import KINDS
from server.services.reporting import staff
from server.services.supervision import alerts, review

from . import bp
from .manager_routes import EXPORT_TYPES, RANGE_ERRORS, Span, _download
from .parsing import hub
from .schemas import Answer
from .spec import READERS, Access, Raw, operation

CLOSERS = Access("staff", alerts.CLOSERS)


class AlertsQuery(BaseModel):
    status: Literal[alerts.STATUSES] | None = None  # type: ignore[valid-type]
    kind: Literal[KINDS] | None = None  # type: ignore[valid-type]


class Alert(Answer):
    id: int
    kind: Literal[KINDS]  # type: ignore[valid-type]
    status: Literal[alerts.STATUSES]  # type: ignore[valid-type]
    opened_at: str
    window_id: str | None
    unit_id: str | None
    user: dict[str, Any] | None
    ticket_number: str | None
    case_no: str | None
    rectification_id: int | None
    detail: dict[str, Any]


@operation(bp, "GET", "/supervision/alerts", "Supervision findings (电子监察), newest first",
           access=READERS, query=AlertsQuery, answers={200: list[Alert]})
def list_alerts(query: AlertsQuery):
    return alerts.list_alerts(hub(), status=query.status, kind=query.kind)


class Close(BaseModel):
    model_config = ConfigDict(strict=True)

    note: str | None = Field(None, max_length=alerts.MAX_NOTE, description="required: what was done")


@operation(bp, "POST", "/supervision/alerts/<int:alert_id>/close", "A supervisor closes an alert with a note",
           access=CLOSERS, body=Close, answers={200: Alert},
           errors={404: "alert_not_found", 409: "invalid_transition (closed already)"})
def close_alert(alert_id: int, actor, body: Close):
    return alerts.close_alert(hub(), alert_id, actor, body.note)


class ReviewQuery(BaseModel):
    month: str | None = Field(None, pattern=review.MONTH.pattern, description="YYYY-MM; default this month")


class UnitReview(Answer):
    unit_id: str | None
    name: str | None
    findings: dict[str, int]
    bad_ratings: int
    overdue_rectifications: int
    overdue_cases: int


class Review(Answer):
    month: str
    units: list[UnitReview]
    total: dict[str, Any]


@operation(bp, "GET", "/supervision/review", "The month's findings, bad ratings and overdue items per unit",
           access=READERS, query=ReviewQuery, answers={200: Review})
def monthly_review(query: ReviewQuery):
    return review.review(hub(), query.month)


# --- staff records -----------------------------------------------------------------------
class StaffQuery(Span):
    format: Literal["json", "csv", "xlsx"] = "json"


class StaffRow(Answer):
    user: str
    name: str | None
    unit_id: str | None
    days_worked: int
    calls: int
    served: int
    no_show: int
    avg_service_s: float | None
    paused_s: int
    ratings: dict[str, int]
    rectifications: int
    findings: int


class StaffReport(Answer):
    rows: list[StaffRow]


@operation(bp, "GET", "/reports/staff", "Staff records per clerk over a period (JSON, CSV or XLSX)",
           access=READERS, query=StaffQuery,
           answers={200: Raw(tuple(t.split(";")[0] for t in EXPORT_TYPES.values()),
                             "JSON; CSV or XLSX with format=csv|xlsx", json=StaffReport)},
           errors=RANGE_ERRORS)
def staff_records(query: StaffQuery):
    first, last = query.days()
    report = staff.staff_report(hub(), first, last)
    if query.format == "json":
        return report
    note = f"{hub().center.name} 工作人员考勤与办件 {first.isoformat()} 至 {last.isoformat()}"
    return _download(staff.staff_table(report), query.format,
                     f"staff-{first.isoformat()}_{last.isoformat()}", "工作人员", note)

"""Managers' REST calls: dashboard, reports, exports, estimate accuracy, planning.

All need a manager or admin token. Dates are service days in the center's zone;
``from`` and ``to`` are both included.
"""

from __future__ import annotations

from typing import Literal

from flask import Response, request
from pydantic import BaseModel, Field

from server.services.errors import BadRequestError
from server.services.reporting import dashboard, exports, planning, reports

from . import bp
from .parsing import hub
from .schemas.reports import Accuracy, Dashboard, Heatmap, Report, UnitPlan, WindowPlan
from .spec import MANAGERS, READERS, Raw, operation
from .validation import OptionalDate

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Dimension = Literal[reports.DIMENSIONS]  # type: ignore[valid-type]
RANGE_ERRORS = {400: f"invalid_range: from after to, or more than {reports.MAX_RANGE_DAYS} days"}


class Span(BaseModel):
    from_: OptionalDate = Field(None, alias="from", description="first day; default 29 days before to")
    to: OptionalDate = Field(None, description="last day (included); default today")

    def days(self):
        return reports.parse_range(self.from_ and self.from_.isoformat(),
                                   self.to and self.to.isoformat(), hub().today())


class ReportQuery(Span):
    by: Dimension = "queue"


class ExportQuery(ReportQuery):
    kind: Literal["report", "accuracy", "tickets"] = "report"
    format: Literal[tuple(EXPORT_TYPES)] = "xlsx"  # type: ignore[valid-type]


class PlanQuery(Span):
    target_s: int = Field(900, ge=0, le=4 * 3600, description="seconds a visitor should wait at most")
    target_share: float = Field(0.8, gt=0, lt=1, description="share of visitors called within target_s")


def _download(table, fmt: str, filename: str, title: str, note: str) -> Response:
    headers, rows = table
    body = exports.to_csv(headers, rows) if fmt == "csv" else exports.to_xlsx(headers, rows, title=title, note=note)
    response = Response(body, mimetype=EXPORT_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@operation(bp, "GET", "/dashboard", "The live dashboard snapshot (also sent on /manager)", access=READERS,
           answers={200: Dashboard})
def get_dashboard():
    mon = hub().monitor
    return mon.snapshot() if mon else dashboard.snapshot(hub())


@operation(bp, "GET", "/reports", "Figures of a date range grouped by one dimension", access=READERS,
           query=ReportQuery, answers={200: Report}, errors=RANGE_ERRORS)
def get_report(query: ReportQuery):
    first, last = query.days()
    return reports.report(hub(), first, last, query.by)


@operation(bp, "GET", "/reports/heatmap", "Tickets issued by weekday and hour", access=READERS,
           query=Span, answers={200: Heatmap}, errors=RANGE_ERRORS)
def get_heatmap(query: Span):
    first, last = query.days()
    return reports.heatmap(hub(), first, last)


@operation(bp, "GET", "/reports/accuracy", "The quoted wait against the real wait, by queue and hour",
           access=READERS, query=Span, answers={200: Accuracy}, errors=RANGE_ERRORS)
def get_accuracy(query: Span):
    first, last = query.days()
    return reports.accuracy(hub(), first, last)


@operation(bp, "GET", "/reports/export",
           "A report, the estimate accuracy or the ticket log as CSV or XLSX", access=READERS,
           query=ExportQuery, answers={200: Raw(tuple(t.split(";")[0] for t in EXPORT_TYPES.values()))},
           errors=RANGE_ERRORS)
def export_report(query: ExportQuery):
    """``?kind=report&by=queue`` (default), ``kind=accuracy`` or ``kind=tickets`` (the raw log)."""
    first, last = query.days()
    fmt, kind, by = query.format, query.kind, query.by
    span = f"{first.isoformat()}_{last.isoformat()}"
    note = f"{hub().center.name} {first.isoformat()} 至 {last.isoformat()}"
    if kind == "report":
        table = exports.report_table(reports.report(hub(), first, last, by))
        return _download(table, fmt, f"report-{by}-{span}", f"按{exports.DIMENSION_HEADERS[by]}统计", note)
    if kind == "accuracy":
        table = exports.accuracy_table(reports.accuracy(hub(), first, last))
        return _download(table, fmt, f"accuracy-{span}", "等候预估准确度", note)
    table = exports.log_table(reports.ticket_log(hub(), first, last))
    return _download(table, fmt, f"tickets-{span}", "取号明细", note)


@operation(bp, "GET", "/planning/units", "Yearly cases per unit and the 100-cases rule", access=READERS,
           query=Span, answers={200: UnitPlan}, errors=RANGE_ERRORS)
def plan_units(query: Span):
    first, last = query.days()
    return planning.unit_plan(hub(), first, last, None)


@operation(bp, "POST", "/planning/units", "The same with departments imported from a CSV body",
           access=MANAGERS, query=Span, answers={200: UnitPlan},
           body=Raw(("text/csv",), "name,cases[,unit_id], one department a line"),
           errors={400: RANGE_ERRORS[400] + "; invalid_csv"})
def plan_units_import(query: Span):
    """Departments not yet in the hall, with their yearly cases, to see where they would go."""
    first, last = query.days()
    text = request.get_data(as_text=True)
    if not text.strip():
        raise BadRequestError("post a CSV body: name,cases[,unit_id]", code="invalid_csv")
    return planning.unit_plan(hub(), first, last, planning.parse_imported_units(text))


@operation(bp, "GET", "/planning/windows", "Windows needed per queue and hour for a target (Erlang C)",
           access=READERS, query=PlanQuery, answers={200: WindowPlan}, errors=RANGE_ERRORS)
def plan_windows(query: PlanQuery):
    first, last = query.days()
    return planning.window_plan(hub(), first, last, target_s=query.target_s, target_share=query.target_share)

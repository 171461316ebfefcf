"""Managers' REST calls: dashboard, reports, exports, estimate accuracy, planning.

All need a manager or admin token. Dates are service days in the center's zone;
``from`` and ``to`` are both included.
"""

from __future__ import annotations

from flask import Response, jsonify, request

from server.services import dashboard, exports, planning, reports
from server.services.errors import BadRequestError

from . import bp
from .parsing import hub, staff

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _manager() -> None:
    staff("manager", "supervisor", "admin")


def _range():
    return reports.parse_range(request.args.get("from"), request.args.get("to"), hub().today())


def _format() -> str:
    fmt = request.args.get("format", "xlsx")
    if fmt not in EXPORT_TYPES:
        raise BadRequestError("format must be csv or xlsx", code="invalid_field", field="format")
    return fmt


def _number(name: str, default: float, kind=float) -> float:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return kind(raw)
    except ValueError:
        raise BadRequestError(f"{name} must be a number", code="invalid_field", field=name) from None


def _download(table, fmt: str, filename: str, title: str, note: str) -> Response:
    headers, rows = table
    body = exports.to_csv(headers, rows) if fmt == "csv" else exports.to_xlsx(headers, rows, title=title, note=note)
    response = Response(body, mimetype=EXPORT_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@bp.get("/dashboard")
def get_dashboard():
    _manager()
    from server.realtime.manager_namespace import monitor

    mon = monitor()
    return jsonify(mon.snapshot() if mon else dashboard.snapshot(hub()))


@bp.get("/reports")
def get_report():
    _manager()
    first, last = _range()
    return jsonify(reports.report(hub(), first, last, reports.parse_dimension(request.args.get("by"))))


@bp.get("/reports/heatmap")
def get_heatmap():
    _manager()
    first, last = _range()
    return jsonify(reports.heatmap(hub(), first, last))


@bp.get("/reports/accuracy")
def get_accuracy():
    _manager()
    first, last = _range()
    return jsonify(reports.accuracy(hub(), first, last))


@bp.get("/reports/export")
def export_report():
    """``?kind=report&by=queue`` (default), ``kind=accuracy`` or ``kind=tickets`` (the raw log)."""
    _manager()
    first, last = _range()
    fmt, kind = _format(), request.args.get("kind", "report")
    span = f"{first.isoformat()}_{last.isoformat()}"
    note = f"{hub().center.name} {first.isoformat()} 至 {last.isoformat()}"
    if kind == "report":
        by = reports.parse_dimension(request.args.get("by"))
        table = exports.report_table(reports.report(hub(), first, last, by))
        return _download(table, fmt, f"report-{by}-{span}", f"按{exports.DIMENSION_HEADERS[by]}统计", note)
    if kind == "accuracy":
        table = exports.accuracy_table(reports.accuracy(hub(), first, last))
        return _download(table, fmt, f"accuracy-{span}", "等候预估准确度", note)
    if kind == "tickets":
        table = exports.log_table(reports.ticket_log(hub(), first, last))
        return _download(table, fmt, f"tickets-{span}", "取号明细", note)
    raise BadRequestError("kind must be report, accuracy or tickets", code="invalid_field", field="kind")


@bp.route("/planning/units", methods=["GET", "POST"])
def plan_units():
    """GET: the 100-cases rule on the hub's data. POST a CSV (``name,cases[,unit_id]``) to
    add departments not yet in the hall."""
    _manager()
    first, last = _range()
    imported = None
    if request.method == "POST":
        text = request.get_data(as_text=True)
        if not text.strip():
            raise BadRequestError("post a CSV body: name,cases[,unit_id]", code="invalid_csv")
        imported = planning.parse_imported_units(text)
    return jsonify(planning.unit_plan(hub(), first, last, imported))


@bp.get("/planning/windows")
def plan_windows():
    _manager()
    first, last = _range()
    return jsonify(planning.window_plan(hub(), first, last,
                                        target_s=int(_number("target_s", 900, int)),
                                        target_share=_number("target_share", 0.8)))

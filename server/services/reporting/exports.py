"""Reports and the ticket log as CSV (UTF-8 with BOM, for Excel) and Excel (openpyxl).

Headers are Chinese, the hall's working language; durations in seconds, times in the
center's zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

FIGURE_COLUMNS = (
    ("issued", "取号数"), ("called", "叫号数"), ("served", "办结数"), ("no_show", "过号未到"),
    ("cancelled", "取消"), ("waiting", "仍在等候"), ("transfers", "转办次数"),
    ("avg_wait_s", "平均等候(秒)"), ("median_wait_s", "等候中位数(秒)"), ("p90_wait_s", "90%等候(秒)"),
    ("max_wait_s", "最长等候(秒)"), ("avg_service_s", "平均办理(秒)"),
    ("median_service_s", "办理中位数(秒)"), ("completed_on_spot", "即办件"),
    ("accepted", "承诺件"), ("returned", "退回补正"), ("on_spot_share", "即办率"),
)
DIMENSION_HEADERS = {"queue": "队列", "unit": "部门", "matter": "事项", "window": "窗口", "clerk": "工作人员",
                     "hour": "时段", "weekday": "星期", "day": "日期"}
STATUS_NAMES = {"waiting": "等候中", "called": "已叫号", "serving": "办理中", "done": "已办结",
                "no_show": "过号", "cancelled": "已取消"}
OUTCOME_NAMES = {"completed": "即办", "accepted": "承诺件", "returned": "退回补正"}
LOG_COLUMNS = (
    ("service_day", "服务日"), ("number", "号码"), ("matter", "事项"), ("unit", "部门"), ("queue", "队列"),
    ("window", "窗口"), ("clerk", "工作人员"), ("priority", "优先级"), ("status", "状态"),
    ("outcome", "办理结果"), ("issued_at", "取号时间"), ("called_at", "叫号时间"),
    ("finished_at", "结束时间"), ("wait_s", "等候(秒)"), ("service_s", "办理(秒)"),
    ("quoted_wait_s", "取号时预估等候(秒)"), ("transfers", "转办次数"), ("recalls", "重呼次数"),
)
ACCURACY_COLUMNS = (("tickets", "票数"), ("mae_s", "平均绝对误差(秒)"), ("bias_s", "平均偏差(秒)"),
                    ("within_5min_share", "误差5分钟内占比"), ("avg_quoted_s", "平均预估(秒)"),
                    ("avg_actual_s", "平均实际(秒)"))


def report_table(report: dict) -> tuple[list[str], list[list]]:
    """(headers, rows) of a report: one row per group, then the total."""
    headers = [DIMENSION_HEADERS[report["by"]]] + [title for _, title in FIGURE_COLUMNS]
    rows = [[row["label"]] + [row.get(key) for key, _ in FIGURE_COLUMNS] for row in report["rows"]]
    rows.append(["合计"] + [report["total"].get(key) for key, _ in FIGURE_COLUMNS])
    return headers, rows


def log_table(log: Sequence[dict]) -> tuple[list[str], list[list]]:
    headers = [title for _, title in LOG_COLUMNS]
    rows = []
    for entry in log:
        row = []
        for key, _ in LOG_COLUMNS:
            value = entry.get(key)
            if key == "status":
                value = STATUS_NAMES.get(value, value)
            elif key == "outcome":
                value = OUTCOME_NAMES.get(value, value)
            row.append(value)
        rows.append(row)
    return headers, rows


def accuracy_table(result: dict) -> tuple[list[str], list[list]]:
    headers = ["分组", "名称"] + [title for _, title in ACCURACY_COLUMNS]
    rows = [["队列", r["label"]] + [r.get(k) for k, _ in ACCURACY_COLUMNS] for r in result["by_queue"]]
    rows += [["时段", r["label"]] + [r.get(k) for k, _ in ACCURACY_COLUMNS] for r in result["by_hour"]]
    rows.append(["合计", ""] + [result["total"].get(k) for k, _ in ACCURACY_COLUMNS])
    return headers, rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, title: str, note: str | None = None) -> bytes:
    """One sheet: an optional note line, bold headers, frozen below them, sensible widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    if note:
        sheet.append([note])
        sheet.cell(row=1, column=1).font = Font(italic=True, color="666666")
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    widths = [max(8, len(h) * 2 + 2) for h in headers]
    for row in rows:
        sheet.append([v for v in row])
        for i, value in enumerate(row):
            if isinstance(value, str):
                widths[i] = min(40, max(widths[i], len(value) * 2))
            elif isinstance(value, datetime):
                widths[i] = max(widths[i], 20)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

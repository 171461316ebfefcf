"""A printer's health: querying it, printing only when it can, and its state as JSON.

The blocking helpers run in a real thread (the hub's threadpool) or in the kiosk agent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hardware.errors import HardwareError
from hardware.printers import Printer, PrinterStatus
from hardware.ticket import TicketContent

# What a printer's trouble is called, and how loud managers hear about it.
PROBLEM_LEVELS = {"paper_out": "error", "cover_open": "error", "offline": "error",
                  "print_failed": "error", "paper_near_end": "warning", "no_status": "warning"}
PROBLEM_MESSAGES = {
    "paper_out": "取号机打印机缺纸",
    "cover_open": "取号机打印机纸仓盖未关",
    "offline": "取号机打印机离线",
    "print_failed": "取号机打印失败",
    "paper_near_end": "取号机打印机纸将用尽",
    "no_status": "取号机打印机不回复状态查询，无法检测缺纸",
}


def problem_of(status: PrinterStatus, *, printed: bool | None = None) -> str | None:
    """One word for what is wrong, or None. A status that got no reply is never fine."""
    if printed is False:
        if status.known and status.paper_out:
            return "paper_out"
        if status.known and status.cover_open:
            return "cover_open"
        return "offline" if status.online is False else "print_failed"
    if status.known:
        if status.paper_out:
            return "paper_out"
        if status.cover_open:
            return "cover_open"
        if status.online is False:
            return "offline"
        if status.paper_near_end:
            return "paper_near_end"
        return None
    if printed:
        return "no_status"
    return "offline" if status.online is False else "no_status"


def status_json(status: PrinterStatus, *, via: str, printer: str, at: datetime,
                printed: bool | None = None) -> dict[str, Any]:
    """The ``printer`` entry of a device's status, also sent to its page."""
    problem = problem_of(status, printed=printed)
    return {
        "ok": status.ok and problem is None,
        "problem": problem,
        "known": status.known,
        "online": status.online,
        "paper_out": status.paper_out,
        "paper_near_end": status.paper_near_end,
        "cover_open": status.cover_open,
        "error": status.error,
        "via": via,
        "printer": printer,
        "at": at.isoformat(timespec="seconds"),
    }


def status_from_report(report: dict[str, Any]) -> PrinterStatus:
    """A status reported by a kiosk agent; anything malformed counts as unknown."""
    def flag(name: str) -> bool | None:
        value = report.get(name)
        return value if isinstance(value, bool) else None

    error = report.get("error")
    return PrinterStatus(known=report.get("known") is True, online=flag("online"),
                         paper_out=flag("paper_out"), paper_near_end=flag("paper_near_end"),
                         cover_open=flag("cover_open"),
                         error=str(error)[:300] if error is not None else None)


def query_status(printer: Printer) -> PrinterStatus:
    try:
        with printer:
            return printer.status()
    except HardwareError as exc:
        return PrinterStatus(known=False, online=False, error=str(exc))


def print_checked(printer: Printer, content: TicketContent) -> tuple[bool, PrinterStatus, str | None]:
    """Print one ticket unless the printer says it cannot; returns (printed, status,
    error). Used by the hub and by the kiosk agent alike. Blocking."""
    try:
        with printer:
            before = printer.status()
            if before.known and not before.ok:
                return False, before, before.error or "the printer is not ready"
            printer.print_ticket(content)
            after = printer.status()
            return True, after, None
    except HardwareError as exc:
        return False, PrinterStatus(known=False, online=False, error=str(exc)), str(exc)

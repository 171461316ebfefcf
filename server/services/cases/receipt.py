"""The acceptance receipt (受理回执): printed at the counter on the window's own printer.

A window's printer is named in ``YIMEN_WINDOW_PRINTERS`` (``w16=network:10.0.0.60``),
with the same specs and printer layer as the kiosks (``hardware/printers``). The clerk
waits for the answer (a second or two, in gevent's thread pool): it says whether the
receipt came out, and if not, why.
"""

from __future__ import annotations

from hardware.errors import HardwareError
from hardware.receipt import ReceiptContent
from server.queueing.actors import Actor
from server.queueing.cases import Case, CaseNotFoundError, normalize_case_no

from ..errors import ConflictError, NotWindowClerkError
from ..hub import Hub

PRINTERS_OF_ALL = ("manager", "admin")  # may print at any window; a clerk at his own


def receipt_content(hub: Hub, case: Case, window_id: str | None = None) -> ReceiptContent:
    center = hub.center
    matter = center.matters.get(case.matter_id)
    unit = center.units.get(case.unit_id)
    window = center.windows.get(window_id) if window_id else None
    return ReceiptContent(
        center_name=center.name, case_no=case.case_no,
        matter_name=matter.name if matter else case.matter_id,
        unit_name=unit.name if unit else case.unit_id,
        accepted_at=case.accepted_at.astimezone(hub.tz), due_at=case.due_at.astimezone(hub.tz),
        number=case.number, window_name=window.name if window else None)


def _print(printer, content: ReceiptContent) -> tuple[bool, str | None]:
    """Blocking: open, check, print, close."""
    try:
        with printer:
            before = printer.status()
            if before.known and not before.ok:
                return False, before.error or "the printer is not ready"
            printer.print_receipt(content)
            return True, None
    except HardwareError as exc:
        return False, str(exc)


def print_receipt(hub: Hub, case_no: str, window_id: str, actor: Actor) -> dict:
    """``POST /cases/<case_no>/receipt {window_id}``: ``{case_no, window_id, printed, error, at}``."""
    hub.center.window(window_id)  # unknown window → 404
    with hub.reading() as repos:
        state = repos.windows.get(window_id)
        case = repos.cases.by_case_no(normalize_case_no(case_no))
    if case is None:
        raise CaseNotFoundError(f"no case {case_no}")
    at_window = state is not None and actor.kind == "user" and state.clerk_id == int(actor.id)
    if not at_window and actor.role not in PRINTERS_OF_ALL:
        raise NotWindowClerkError(f"only the clerk at window {window_id} prints its receipts",
                                  window=window_id)
    spec = hub.printing.window_spec(window_id) if hub.printing else None
    if spec is None:
        raise ConflictError(f"window {window_id} has no receipt printer (YIMEN_WINDOW_PRINTERS)",
                            code="no_printer")
    printer, lock = hub.printing.printer(spec)
    content = receipt_content(hub, case, window_id)
    with lock:
        printed, error = hub.tasks.blocking(_print, printer, content)
    return {"case_no": case.case_no, "window_id": window_id, "printed": printed, "error": error,
            "printer": printer.describe(), "at": hub.now().astimezone(hub.tz).isoformat(timespec="seconds")}

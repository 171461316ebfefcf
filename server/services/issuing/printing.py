"""Printing queue tickets: what goes on the paper, which printer prints it, and how the
printer is doing.

Two set-ups (``docs/kiosk.md``):

* a kiosk agent beside a USB or serial printer (``python -m kiosk.agent``): the hub
  sends a ``print_job`` to the kiosk's device room; the agent prints and answers with
  ``print_result`` and regular ``printer_status`` reports;
* a printer the hub drives itself: a network printer named for the kiosk, or the
  hub's own printer (``YIMEN_PRINTER``, the preview printer by default). The hub prints
  in gevent's threadpool, never on the request greenlet, so issuing never waits.

Either way the kiosk page hears ``ticket_printed`` with the outcome, the printer's state
is kept on the device row (``devices.status["printer"]``) and a printer that runs out
of paper, opens or goes offline raises a manager ``alert``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

from hardware.errors import PrinterConfigError
from hardware.print_job import content_to_job
from hardware.printer_health import (
    PROBLEM_LEVELS,
    PROBLEM_MESSAGES,
    print_checked,
    query_status,
    status_json,
)
from hardware.printers import Printer, PrinterStatus, printer_from_spec
from hardware.ticket import PrinterProfile, TicketContent
from server.queueing.errors import NotFoundError
from server.realtime import names

from ..hub import Hub
from .ticket_paper import DEFAULT_FOOTER, public_status_url, ticket_content

log = logging.getLogger(__name__)

AGENT_STALE_S = 60  # an agent silent for longer is taken as gone (it reports every 15 s)
NO_PRINTER = ("", "none", "off")


@dataclass(frozen=True)
class PrintSettings:
    hub_printer: str | None = None  # spec of the hub's own printer; None: no printing by the hub
    device_printers: tuple[tuple[str, str], ...] = ()  # (device id or name, spec)
    window_printers: tuple[tuple[str, str], ...] = ()  # (window id, spec): acceptance receipts
    header: str | None = None
    footer: str | None = DEFAULT_FOOTER
    font_path: str | None = None  # the CJK font for raster tickets (YIMEN_CJK_FONT); None: look for one


def parse_device_printers(text: str | None) -> tuple[tuple[str, str], ...]:
    """``"1=network:192.168.1.50;一楼取号机 2=network:192.168.1.51"`` → pairs.

    Specs may contain ``=`` in their options, so only the first ``=`` splits."""
    pairs = []
    for item in (text or "").split(";"):
        name, sep, spec = item.partition("=")
        if sep and name.strip() and spec.strip():
            pairs.append((name.strip(), spec.strip()))
    return tuple(pairs)


class PrintService:
    """Dispatches print jobs and keeps the printers' state for one hub."""

    def __init__(self, hub: Hub, settings: PrintSettings, tasks=None) -> None:
        self.hub = hub
        self.settings = settings
        self.tasks = tasks or hub.tasks
        self._profile = PrinterProfile(font_path=settings.font_path)  # a spec's font= wins
        self._printers: dict[str, Printer] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        for _name, spec in (*settings.device_printers, *settings.window_printers):
            printer_from_spec(spec, self._profile)  # a bad spec stops the hub at start, not at the first ticket
        if settings.hub_printer and settings.hub_printer.lower() not in NO_PRINTER:
            printer_from_spec(settings.hub_printer, self._profile)

    # --- routing ----------------------------------------------------------------------
    def _device(self, device_id: int):
        with self.hub.reading() as repos:
            record = repos.devices.by_id(int(device_id))
        if record is None:
            raise NotFoundError("unknown device", code="unknown_device")
        return record

    def _hub_spec(self, record) -> str | None:
        for name, spec in self.settings.device_printers:
            if name in (str(record.id), record.name):
                return spec
        spec = self.settings.hub_printer
        return None if not spec or spec.lower() in NO_PRINTER else spec

    def agent_present(self, record) -> bool:
        agent = (record.status or {}).get("agent") or {}
        if not agent.get("connected") or record.last_seen_at is None:
            return False
        return self.hub.now() - record.last_seen_at < timedelta(seconds=AGENT_STALE_S)

    def route(self, device_id: int) -> str:
        """``agent``, ``hub`` or ``none``: who prints this kiosk's tickets now."""
        record = self._device(device_id)
        if self.agent_present(record):
            return "agent"
        return "hub" if self._hub_spec(record) else "none"

    # --- printing ---------------------------------------------------------------------
    def print_ticket(self, ticket: dict, *, device_id: int, base_url: str | None) -> dict:
        """Send a ticket to the kiosk's printer; returns at once with
        ``{job_id, via, state}``; the outcome follows as ``ticket_printed``."""
        record = self._device(device_id)
        job_id = uuid.uuid4().hex
        content = ticket_content(self.hub, ticket,
                                 status_url=public_status_url(self.hub, ticket, base_url),
                                 header=self.settings.header, footer=self.settings.footer)
        if self.agent_present(record):
            self.hub.publisher.send_to_device(record.id, names.PRINT_JOB, {
                "job_id": job_id, "token": ticket["token"], "number": ticket["number"],
                "content": content_to_job(content)})
            return {"job_id": job_id, "via": "agent", "state": "sent"}
        spec = self._hub_spec(record)
        if spec is None:
            return {"job_id": job_id, "via": "none", "state": "no_printer"}
        self.tasks.spawn(self._print_on_hub, job_id, record.id, ticket["token"], spec, content)
        return {"job_id": job_id, "via": "hub", "state": "queued"}

    def window_spec(self, window_id: str) -> str | None:
        """The receipt printer of a counter window (``YIMEN_WINDOW_PRINTERS``), or None."""
        return dict(self.settings.window_printers).get(window_id)

    def printer(self, spec: str) -> tuple[Printer, threading.Lock]:
        """The one printer object of a spec, and the lock that keeps its jobs apart."""
        return self._printer(spec)

    def _printer(self, spec: str) -> tuple[Printer, threading.Lock]:
        with self._guard:
            if spec not in self._printers:
                self._printers[spec] = printer_from_spec(spec, self._profile)
                self._locks[spec] = threading.Lock()
            return self._printers[spec], self._locks[spec]

    def _print_on_hub(self, job_id: str, device_id: int, token: str, spec: str,
                      content: TicketContent) -> None:
        """A background greenlet: the printer's I/O runs in the threadpool, then the
        outcome is recorded and published from here."""
        try:
            printer, lock = self._printer(spec)
            with lock:
                printed, status, error = self.tasks.blocking(print_checked, printer, content)
            describe = printer.describe()
        except PrinterConfigError as exc:
            printed, error, describe = False, str(exc), spec
            status = PrinterStatus(known=False, error=error)
        except Exception as exc:  # noqa: BLE001 - a print job must never kill the hub
            log.exception("printing %s failed", content.number)
            printed, error, describe = False, str(exc), spec
            status = PrinterStatus(known=False, error=error)
        self.record_result(device_id, {"job_id": job_id, "token": token, "number": content.number,
                                       "ok": printed, "error": error},
                           status, via="hub", printer=describe)

    # --- what printers and agents report ------------------------------------------------
    def record_result(self, device_id: int, result: dict, status: PrinterStatus, *, via: str,
                      printer: str) -> dict:
        """A print job's outcome: tell the kiosk page, keep the printer's state."""
        printed = result.get("ok") is True
        entry = self.record_status(device_id, status, via=via, printer=printer, printed=printed)
        payload = {"job_id": str(result.get("job_id") or "")[:64],
                   "token": result.get("token"), "number": result.get("number"),
                   "ok": printed, "error": None if printed else (result.get("error") or entry["error"]),
                   "printer": entry}
        self.hub.publisher.send_to_device(device_id, names.TICKET_PRINTED, payload)
        return payload

    def record_status(self, device_id: int, status: PrinterStatus, *, via: str, printer: str,
                      printed: bool | None = None) -> dict:
        """Keep a printer's state on its kiosk's row; tell the page; alert managers when
        the trouble changes (and when it is over)."""
        now = self.hub.now()
        entry = status_json(status, via=via, printer=printer, at=now.astimezone(self.hub.tz),
                            printed=printed)
        with self.hub.uow() as uow:
            record = uow.devices.by_id(int(device_id))
            if record is None:
                raise NotFoundError("unknown device", code="unknown_device")
            state = dict(record.status or {})
            before = (state.get("printer") or {}).get("problem")
            state["printer"] = entry
            uow.devices.touch(record.id, now, state)
            uow.commit()
        self.hub.publisher.send_to_device(record.id, names.PRINTER_STATUS, entry)
        if entry["problem"] != before:
            self._alert(record, entry, before)
        return entry

    def _alert(self, record, entry: dict, before: str | None) -> None:
        problem = entry["problem"]
        if problem is None and before is None:
            return
        resolved = problem is None
        self.hub.publisher.alert({
            "kind": "printer",
            "level": "info" if resolved else PROBLEM_LEVELS.get(problem, "warning"),
            "code": f"printer_{before}_resolved" if resolved else f"printer_{problem}",
            "message": (f"{record.name}：打印机已恢复" if resolved
                        else f"{record.name}：{PROBLEM_MESSAGES.get(problem, '打印机异常')}"),
            "device_id": record.id,
            "device_name": record.name,
            "printer": entry,
            "at": entry["at"],
        })

    def agent_connected(self, device_id: int, info: dict) -> None:
        self._set_agent(device_id, {"connected": True, "printer": str(info.get("printer") or "")[:200],
                                    "version": str(info.get("version") or "")[:40]})

    def agent_disconnected(self, device_id: int) -> None:
        self._set_agent(device_id, {"connected": False})

    def _set_agent(self, device_id: int, agent: dict) -> None:
        now = self.hub.now()
        with self.hub.uow() as uow:
            record = uow.devices.by_id(int(device_id))
            if record is None:
                return
            state = dict(record.status or {})
            state["agent"] = {**agent, "at": now.astimezone(self.hub.tz).isoformat(timespec="seconds")}
            uow.devices.touch(record.id, now, state)
            uow.commit()

    def printer_snapshot(self, device_id: int) -> dict | None:
        """The last known printer state of a kiosk, for a page that (re)connects."""
        record = self._device(device_id)
        entry = (record.status or {}).get("printer")
        route = ("agent" if self.agent_present(record)
                 else "hub" if self._hub_spec(record) else "none")
        return {**entry, "route": route} if entry else {"route": route, "ok": None,
                                                         "problem": None}

    def check_hub_printer(self, device_id: int) -> None:
        """Ask a hub-driven printer how it is (in the background) and record it."""
        record = self._device(device_id)
        spec = self._hub_spec(record)
        if spec is None or self.agent_present(record):
            return
        self.tasks.spawn(self._check, record.id, spec)

    def _check(self, device_id: int, spec: str) -> None:
        try:
            printer, lock = self._printer(spec)
            with lock:
                status = self.tasks.blocking(query_status, printer)
            self.record_status(device_id, status, via="hub", printer=printer.describe())
        except Exception:  # noqa: BLE001
            log.exception("checking printer %s failed", spec)

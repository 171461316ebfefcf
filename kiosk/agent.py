"""The kiosk agent: prints a kiosk's tickets on the printer beside it.

    python -m kiosk.agent --hub http://192.168.1.10:5000 --key KIOSK_KEY \\
        --printer usb:0x0416:0x5011

It connects to the hub's ``/kiosk`` namespace as the kiosk (its device key), receives
``print_job`` messages for that kiosk, prints them and answers ``print_result``; it
reports ``printer_status`` on connect, after every job and every ``--status-every``
seconds. It reconnects by itself after a network drop or a hub restart. Printing runs
on one worker thread, one ticket at a time, so a slow printer never blocks the
connection. It imports nothing of the hub's code: ``hardware/`` and a Socket.IO client.
"""

from __future__ import annotations

import argparse
import logging
import os
import queue
import signal
import sys
import threading
from typing import Any

import socketio

from hardware import print_job as names
from hardware.errors import PrinterConfigError
from hardware.print_job import content_from_job
from hardware.printer_health import print_checked, query_status
from hardware.printers import Printer, PrinterStatus, printer_from_spec
from hardware.ticket import PrinterProfile

log = logging.getLogger("kiosk.agent")

VERSION = "1"
FONT_ENV = "YIMEN_CJK_FONT"  # read only as the default of --font, like run.py's flags
STATUS_EVERY_S = 15.0


def status_report(status: PrinterStatus, printer: Printer) -> dict[str, Any]:
    return {"known": status.known, "online": status.online, "paper_out": status.paper_out,
            "paper_near_end": status.paper_near_end, "cover_open": status.cover_open,
            "error": status.error, "printer": printer.describe()}


class KioskAgent:
    """One kiosk's agent: a Socket.IO client, a print queue and a worker thread."""

    def __init__(self, hub_url: str, key: str, printer: Printer, *,
                 status_every_s: float = STATUS_EVERY_S) -> None:
        self.hub_url = hub_url.rstrip("/")
        self.key = key
        self.printer = printer
        self.status_every_s = status_every_s
        self.jobs: queue.Queue[dict | None] = queue.Queue()
        self.printed: list[dict] = []  # results of the jobs done, newest last
        self._stop = threading.Event()
        self._printer_lock = threading.Lock()
        self.client = socketio.Client(reconnection=True, reconnection_attempts=0,
                                      reconnection_delay=1, reconnection_delay_max=10)
        self.client.on("connect", self._on_connect, namespace=names.KIOSK)
        self.client.on("disconnect", self._on_disconnect, namespace=names.KIOSK)
        self.client.on(names.PRINT_JOB, self._on_print_job, namespace=names.KIOSK)
        self._threads = [threading.Thread(target=self._work, name="print-worker", daemon=True),
                         threading.Thread(target=self._report_loop, name="status", daemon=True)]

    # --- connection ---------------------------------------------------------------------
    def start(self, *, wait_s: float = 10.0) -> KioskAgent:
        for thread in self._threads:
            thread.start()
        self._connect(wait_s)
        return self

    def _connect(self, wait_s: float) -> None:
        auth = {"key": self.key, "role": "agent", "printer": self.printer.describe(),
                "version": VERSION}
        while not self._stop.is_set():
            try:
                self.client.connect(self.hub_url, namespaces=[names.KIOSK], auth=auth,
                                    wait_timeout=wait_s)
                return
            except socketio.exceptions.ConnectionError as exc:
                log.warning("cannot reach the hub at %s (%s); trying again", self.hub_url, exc)
                self._stop.wait(3)

    def _on_connect(self) -> None:
        log.info("connected to %s", self.hub_url)
        self.report_status()

    def _on_disconnect(self, *args: object) -> None:
        if not self._stop.is_set():
            log.warning("disconnected from the hub; reconnecting")

    def stop(self) -> None:
        self._stop.set()
        self.jobs.put(None)
        try:
            self.client.disconnect()
        except Exception:  # noqa: BLE001 - already gone
            pass
        for thread in self._threads:
            thread.join(timeout=5)

    def wait(self) -> None:
        """Block until :meth:`stop` (from a signal handler)."""
        while not self._stop.wait(0.5):
            pass

    # --- printing -----------------------------------------------------------------------
    def _on_print_job(self, job: dict) -> None:
        """Sent by the hub when a visitor took a ticket at this kiosk."""
        if isinstance(job, dict) and isinstance(job.get("content"), dict):
            self.jobs.put(job)

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            self._print(job)

    def _print(self, job: dict) -> None:
        try:
            content = content_from_job(job["content"])
        except (KeyError, TypeError, ValueError) as exc:
            log.error("bad print job %s: %s", job.get("job_id"), exc)
            self._emit(names.PRINT_RESULT, {"job_id": job.get("job_id"), "ok": False,
                                            "error": f"bad print job: {exc}", "status": {}})
            return
        with self._printer_lock:
            printed, status, error = print_checked(self.printer, content)
        result = {"job_id": job.get("job_id"), "token": job.get("token"),
                  "number": content.number, "ok": printed, "error": error,
                  "status": status_report(status, self.printer)}
        self.printed.append(result)
        if printed:
            log.info("printed %s", content.number)
        else:
            log.warning("could not print %s: %s", content.number, error)
        self._emit(names.PRINT_RESULT, result)

    # --- status -------------------------------------------------------------------------
    def report_status(self) -> dict:
        with self._printer_lock:
            status = query_status(self.printer)
        report = status_report(status, self.printer)
        self._emit(names.PRINTER_STATUS, report)
        return report

    def _report_loop(self) -> None:
        while not self._stop.wait(self.status_every_s):
            if self.client.connected:
                self.report_status()

    def _emit(self, event: str, data: dict) -> None:
        try:
            self.client.emit(event, data, namespace=names.KIOSK)
        except socketio.exceptions.BadNamespaceError:
            log.warning("not connected; %s not sent", event)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.agent",
        description="Print a Yimen kiosk's tickets on a local ESC/POS printer.")
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. http://192.168.1.10:5000")
    parser.add_argument("--key", required=True, help="the kiosk's device key")
    parser.add_argument("--printer", default="preview:var/tickets",
                        help="printer spec: usb:0x0416:0x5011, serial:/dev/ttyUSB0, "
                             "network:192.168.1.50:9100, cups:QUEUE, preview:DIR (default)")
    parser.add_argument("--font", default=os.environ.get(FONT_ENV) or None,
                        help=f"a font file with Chinese glyphs for raster tickets (or {FONT_ENV}); "
                             "default: the first CJK font installed")
    parser.add_argument("--status-every", type=float, default=STATUS_EVERY_S,
                        help="seconds between printer status reports (default 15)")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        printer = printer_from_spec(args.printer, PrinterProfile(font_path=args.font))
    except PrinterConfigError as exc:
        print(f"kiosk agent: {exc}", file=sys.stderr)
        return 2
    agent = KioskAgent(args.hub, args.key, printer, status_every_s=args.status_every)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: agent._stop.set())
    log.info("kiosk agent for %s, printing on %s", args.hub, printer.describe())
    agent.start()
    agent.wait()
    agent.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

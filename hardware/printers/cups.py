"""Printers behind a CUPS raw queue: bytes go through ``lp -o raw`` unchanged."""

from __future__ import annotations

import re
import shutil
import subprocess

from hardware.errors import PrinterConfigError, PrinterError, PrinterOfflineError
from hardware.printers.base import Printer
from hardware.status import PrinterStatus
from hardware.ticket import PrinterProfile

QUEUE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,126}")


class CupsPrinter(Printer):
    """A CUPS queue, fed with ``lp -d QUEUE -o raw`` (an argument list, never a shell).

    CUPS only knows whether its queue is enabled, not whether the printer has paper,
    so an enabled queue reports ``known=False``; a disabled one reports offline.
    Blocking (runs subprocesses); call it off the request greenlet.
    """

    def __init__(
        self, queue: str, profile: PrinterProfile | None = None, *, timeout: float = 30.0
    ) -> None:
        if not QUEUE_NAME.fullmatch(queue):
            raise PrinterConfigError(
                f"invalid CUPS queue name {queue!r}: use letters, digits, '_', '.', '-', '@', '+'"
            )
        super().__init__(profile)
        self.queue = queue
        self.timeout = timeout

    def _write(self, data: bytes) -> None:
        lp = shutil.which("lp")
        if lp is None:
            raise PrinterOfflineError("the `lp` command is missing: apt-get install cups-client")
        try:
            result = subprocess.run(
                [lp, "-d", self.queue, "-o", "raw"],
                input=data,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrinterOfflineError(f"lp failed for {self.describe()}: {exc}") from exc
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise PrinterError(f"lp refused the job for {self.describe()}: {message}")

    def status(self) -> PrinterStatus:
        lpstat = shutil.which("lpstat")
        if lpstat is None:
            return PrinterStatus(known=False, error="the `lpstat` command is missing")
        try:
            result = subprocess.run(
                [lpstat, "-p", self.queue],
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return PrinterStatus(known=False, error=f"lpstat failed: {exc}")
        return parse_lpstat(self.queue, result.returncode, result.stdout, result.stderr)

    def describe(self) -> str:
        return f"CUPS queue {self.queue}"


def parse_lpstat(queue: str, returncode: int, stdout: str, stderr: str) -> PrinterStatus:
    """Status from ``lpstat -p QUEUE``: a disabled or unknown queue is offline;
    an enabled queue is not evidence that the printer itself is fine."""
    if returncode != 0 or not stdout.strip():
        return PrinterStatus(known=False, online=False, error=stderr.strip() or "no such queue")
    text = " ".join(stdout.split())
    if " disabled " in f" {text} ":
        return PrinterStatus(
            known=True, online=False, error=f"CUPS queue {queue} is disabled: {text}"
        )
    return PrinterStatus(
        known=False,
        detail=f"CUPS queue {queue} is enabled; CUPS does not report paper or cover state",
    )

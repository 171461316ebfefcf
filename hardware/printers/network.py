"""Network printers on raw TCP port 9100 (JetDirect / "AppSocket")."""

from __future__ import annotations

import socket
import time

from hardware.errors import PrinterError, PrinterOfflineError
from hardware.escpos_encode import STATUS_QUERIES, parse_status_reply, status_query
from hardware.printers.base import Printer
from hardware.status import PrinterStatus
from hardware.ticket import PrinterProfile

DEFAULT_PORT = 9100


class NetworkPrinter(Printer):
    """An ESC/POS printer reached over TCP.

    ``open()`` connects (``connect_timeout``), ``_write`` sends with ``write_timeout``,
    ``status()`` sends the DLE EOT queries and waits at most ``read_timeout`` for the
    three reply bytes. Keep connections short (one ``with`` per ticket): most printers
    serve a single TCP client at a time. Blocking; call it off the request greenlet.
    """

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        profile: PrinterProfile | None = None,
        *,
        connect_timeout: float = 3.0,
        write_timeout: float = 10.0,
        read_timeout: float = 2.0,
    ) -> None:
        super().__init__(profile)
        self.host = host
        self.port = port
        self.connect_timeout = connect_timeout
        self.write_timeout = write_timeout
        self.read_timeout = read_timeout
        self._sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        except OSError as exc:
            raise PrinterOfflineError(f"cannot connect to {self.describe()}: {exc}") from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(self.write_timeout)
        return sock

    def open(self) -> None:
        if self._sock is None:
            self._sock = self._connect()
        super().open()

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()
        super().close()

    def _write(self, data: bytes) -> None:
        if self._sock is None:
            raise PrinterError(f"{self.describe()} is not open; call open() or use `with`")
        try:
            self._sock.sendall(data)
        except OSError as exc:
            self.close()
            raise PrinterOfflineError(f"sending to {self.describe()} failed: {exc}") from exc

    def status(self) -> PrinterStatus:
        """The printer's own answer to DLE EOT 1/2/4, or ``known=False``.

        Never raises for an unreachable or silent printer: the answer is then
        ``known=False, online=False`` with the reason in ``error``. Uses the open
        connection if there is one, else a short-lived one.
        """
        temporary = self._sock is None
        try:
            sock = self._connect() if temporary else self._sock
        except PrinterOfflineError as exc:
            return PrinterStatus(known=False, online=False, error=str(exc))
        assert sock is not None
        try:
            sock.sendall(status_query())
            return parse_status_reply(self._read_reply(sock, len(STATUS_QUERIES)))
        except OSError as exc:
            return PrinterStatus(known=False, online=False, error=f"status query failed: {exc}")
        finally:
            if temporary:
                sock.close()
            else:
                sock.settimeout(self.write_timeout)

    def _read_reply(self, sock: socket.socket, size: int) -> bytes:
        """Up to ``size`` bytes, waiting no longer than ``read_timeout`` in total."""
        deadline = time.monotonic() + self.read_timeout
        reply = b""
        while len(reply) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(size - len(reply))
            except TimeoutError:
                break
            if not chunk:
                break
            reply += chunk
        return reply

    def describe(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"network printer {host}:{self.port}"

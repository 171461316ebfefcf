"""A fake ESC/POS network printer: a threaded TCP server on 127.0.0.1.

It records every byte it receives and answers the real-time status queries
(DLE EOT 1, 2, 4) from its current state, the way a printer does: it follows the
command stream, so bytes inside a raster image are never taken for a query.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

DLE_EOT = b"\x10\x04"
RASTER = b"\x1dv0"
QR = b"\x1d(k"


@dataclass
class PrinterState:
    """What the fake printer reports. ``mute`` accepts data but never answers;
    ``hang_up`` closes every connection at once; ``stalled`` never reads."""

    online: bool = True
    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    mute: bool = False
    hang_up: bool = False
    stalled: bool = False

    def reply(self, n: int) -> bytes:
        """One status byte, built from the ESC/POS bit definitions."""
        byte = 0x12  # bits 1 and 4 are fixed to 1
        if n == 1 and (not self.online or self.paper_out or self.cover_open):
            byte |= 0x08
        if n == 2:
            byte |= (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
        if n == 4:
            byte |= (0x0C if self.paper_near_end else 0) | (0x60 if self.paper_out else 0)
        return bytes([byte])


@dataclass
class _Stream:
    """Follows one connection's command stream, answering DLE EOT queries."""

    pending: bytes = b""
    received: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> list[int]:
        self.received += data
        self.pending += data
        queries: list[int] = []
        pos = 0
        buf = self.pending
        while pos < len(buf):
            if buf.startswith(RASTER, pos):
                if len(buf) < pos + 8:
                    break
                size = int.from_bytes(buf[pos + 4 : pos + 6], "little") * int.from_bytes(
                    buf[pos + 6 : pos + 8], "little"
                )
                if len(buf) < pos + 8 + size:
                    break
                pos += 8 + size
            elif buf.startswith(QR, pos):
                if len(buf) < pos + 5:
                    break
                size = int.from_bytes(buf[pos + 3 : pos + 5], "little")
                if len(buf) < pos + 5 + size:
                    break
                pos += 5 + size
            elif buf.startswith(DLE_EOT, pos):
                if len(buf) < pos + 3:
                    break
                queries.append(buf[pos + 2])
                pos += 3
            elif any(cmd.startswith(buf[pos:]) for cmd in (RASTER, QR, DLE_EOT)):
                break  # a command may be split across reads: wait for more
            else:
                pos += 1
        self.pending = buf[pos:]
        return queries


class FakeEscposPrinter:
    """Listens on 127.0.0.1:<free port>; ``stop()`` ends every thread it started."""

    def __init__(self, state: PrinterState) -> None:
        self.state = state
        self.connections: list[bytes] = []
        self._lock = threading.Lock()
        self._closed = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.host, self.port = self._listener.getsockname()[:2]
        self._threads: list[threading.Thread] = []
        self._spawn(self._accept_loop)

    @property
    def spec(self) -> str:
        return f"network:{self.host}:{self.port}"

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            if self.state.stalled:
                self._stop.wait(0.05)  # leave connections in the backlog, unread
                continue
            try:
                conn, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        stream = _Stream()
        with conn:
            if self.state.hang_up:
                self._finish(stream)
                return
            conn.settimeout(0.05)
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                for n in stream.feed(data):
                    if not self.state.mute:
                        conn.sendall(self.state.reply(n))
        self._finish(stream)

    def _finish(self, stream: _Stream) -> None:
        with self._closed:
            self.connections.append(bytes(stream.received))
            self._closed.notify_all()

    def wait_for_connections(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The bytes of the first ``count`` finished connections, in order."""
        with self._closed:
            if not self._closed.wait_for(lambda: len(self.connections) >= count, timeout):
                raise AssertionError(f"only {len(self.connections)} of {count} connections ended")
            return list(self.connections[:count])

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)

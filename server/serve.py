"""Serving the hub with gevent: a WSGI server with WebSocket support and TCP_NODELAY.

Flask-SocketIO's ``socketio.run`` would do most of this; it is done here by hand for
one reason: the listening socket gets ``TCP_NODELAY`` (Linux passes it on to every
accepted connection), so a response written in two sends is not held back by Nagle's
algorithm waiting ~40 ms for the client's delayed ACK on keep-alive connections.
"""

from __future__ import annotations

import email.parser
import email.policy
import gc
import http.client
import logging
import re
import signal
import socket
import time
from urllib.parse import unquote

import gevent
from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler

# gevent's adapter of Python 3's header parsing (``pywsgi.headers_factory`` builds one
# through ``http.client.parse_headers``); without it, the handler parses as gevent does.
_GeventMessage = getattr(pywsgi, "OldMessage", None)
_MAX_LINE = getattr(http.client, "_MAXLINE", 65536)  # http.client's limits, kept the same
_MAX_HEADERS = getattr(http.client, "_MAXHEADERS", 100)


def make_listener(host: str, port: int, backlog: int = 2048) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


if _GeventMessage is not None:
    class RequestHeaders(_GeventMessage):
        """A request's headers as gevent's message holds them (the same ``email.message``
        object, every method intact), with a lower-case index for ``get``: pywsgi and
        geventwebsocket ask it for seven headers a request, and email's ``get`` walks every
        header for each. The index answers only while the headers are as parsed (the same
        list, the same length, no replaced header); after any change, email's own ``get``."""

        _index: dict[str, str] | None = None
        _indexed: list | None = None
        _indexed_count = 0

        def get(self, name, failobj=None):
            index = self._index
            if index is None or self._indexed is not self._headers or self._indexed_count != len(self._headers):
                return super().get(name, failobj)
            return index.get(name.lower(), failobj)

        def replace_header(self, _name, _value):
            self._index = None
            super().replace_header(_name, _value)
else:  # pragma: no cover - a gevent without its Python 3 adapter
    RequestHeaders = None


def read_request_headers(rfile):
    """A request's headers from ``rfile``: what ``pywsgi.headers_factory`` returns for the
    same bytes (the same message, the same refusals: a line over 64 KB gives the message
    status ``Line too long``, more than 100 lines raise ``HTTPException``), without
    going through ``email.parser`` for the plain headers every client sends.

    A block whose every line is ``Name: value`` is split here as email's parser splits it
    (value stripped of spaces and tabs before it and of line breaks after it); anything
    else is handed to email's parser as ``http.client.parse_headers`` hands it."""
    lines = []
    while True:
        line = rfile.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            message = _GeventMessage()
            message.status = "Line too long"
            return message
        lines.append(line)
        if len(lines) > _MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {_MAX_HEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            break
    text = b"".join(lines).decode("iso-8859-1")
    return _plain_headers(text, len(lines)) or email.parser.Parser(_class=_GeventMessage).parsestr(text)


def _plain_headers(text: str, count: int):
    """The message of a block of plain header lines ended by an empty one, else None.
    email's parser splits the text with ``str.splitlines``: a block of ``Name: value``
    lines, each ended by its one line break and holding none of the others splitlines
    knows (a lone CR, a form feed, U+0085...), splits into the ``count`` lines read, each
    header the name before its first ':' and the value after it, spaces and tabs before
    it stripped (what ``_PLAIN_BLOCK`` and ``_PLAIN_LINES`` match)."""
    if _PLAIN_BLOCK(text) is None:
        return None  # a line broken inside or not plain, or the end of the stream before the empty line
    pairs = _PLAIN_LINES(text)
    message = RequestHeaders()
    # email's set_raw stores what the policy's header_store_parse makes of the pair: the
    # pair itself under compat32 (the policy of http.client's messages).
    if message.policy is email.policy.compat32:
        message._headers.extend(pairs)
    else:
        for name, value in pairs:
            message.set_raw(name, value)
    index = {name.lower(): value for name, value in reversed(pairs)}  # the first of a repeated name
    kind = index.get("content-type", "").lower()
    if "multipart" in kind or "message" in kind:
        return None  # email's parser looks for the parts of these (in an empty body) and notes defects
    message.set_payload("")  # what email's parser leaves: an empty body
    message._index, message._indexed, message._indexed_count = index, message._headers, len(message._headers)
    return message


# A header line the quick way takes: a name of visible ASCII without ':' (what email's
# parser takes for a header name), then ':', spaces or tabs, the value,
# one line end; the value holds no character ``str.splitlines`` breaks at (those of a
# latin-1 text: CR, LF, VT, FF, FS, GS, RS, NEL). A folded line, a name with a space or a
# line with a break of its own inside go to email's parser.
_VALUE = "[^\r\n\x0b\x0c\x1c\x1d\x1e\x85]*"
_PLAIN_BLOCK = re.compile(f"(?:[\x21-\x39\x3b-\x7e]+:{_VALUE}\r?\n)*\r?\n").fullmatch
_PLAIN_LINES = re.compile(f"([\x21-\x39\x3b-\x7e]+):[ \t]*({_VALUE})\r?\n").findall


_date_second: int | None = None
_date_text = b""


def http_date(now: float) -> bytes:
    """``pywsgi.format_date_time(now)``, formatted once a second (it reads whole seconds)."""
    global _date_second, _date_text
    second = int(now)
    if second != _date_second:
        _date_text, _date_second = pywsgi.format_date_time(second), second
    return _date_text


# A request header's environ key as pywsgi makes it ("" for those it leaves out of the
# HTTP_ keys), per header name as the client spells it; at most a few hundred names.
_ENVIRON_KEYS: dict[str, str] = {}


def _environ_key(name: str) -> str:
    if "_" in name:
        key = ""  # pywsgi drops these
    else:
        key = name.replace("-", "_").upper()
        key = "" if key == "CONTENT_TYPE" or key == "CONTENT_LENGTH" else "HTTP_" + key
    if len(_ENVIRON_KEYS) >= 512:
        _ENVIRON_KEYS.clear()  # the names are the clients': keep a few
    _ENVIRON_KEYS[name] = key
    return key


class FairHandler(WebSocketHandler):
    """One connection's handler: TCP_NODELAY, and a turn for others after each response.

    A keep-alive client that sends its next request at once (a kiosk, a benchmark) finds
    its data already waiting, so the greenlet reading it never blocks and never yields:
    it would serve that one connection again and again while the others wait. Yielding
    after every response makes the hub serve its connections in turn.
    """

    def __init__(self, sock, address, server, rfile=None):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        super().__init__(sock, address, server, rfile)

    if RequestHeaders is not None:
        def MessageClass(self, rfile, *args):  # noqa: N802 - pywsgi's name
            return read_request_headers(rfile)

    if RequestHeaders is not None and hasattr(pywsgi, "Input"):
        def get_environ(self):
            """pywsgi's environ, built from the parsed headers themselves: pywsgi formats
            each header as a ``Name: value`` line and splits it again (``_headers``).
            The same keys and values: names with ``_`` dropped, ``Content-Type`` and
            ``Content-Length`` under their CGI names only, repeated headers joined with
            ``,`` (cookies with ``; ``). A message of email's parser (folded lines, odd
            blocks) goes through pywsgi's own."""
            headers = self.headers
            if type(headers) is not RequestHeaders:
                return super().get_environ()
            env = self.server.get_environ()
            env["REQUEST_METHOD"] = self.command
            env["SCRIPT_NAME"] = ""
            path, query = self.path.split("?", 1) if "?" in self.path else (self.path, "")
            env["PATH_INFO"] = unquote(path, encoding="latin-1")
            env["QUERY_STRING"] = query
            get = headers.get
            kind = get("content-type")
            if kind is not None:
                env["CONTENT_TYPE"] = kind
            length = get("content-length")
            if length:
                env["CONTENT_LENGTH"] = length
            env["SERVER_PROTOCOL"] = self.request_version
            client_address = self.client_address
            if isinstance(client_address, tuple):
                env["REMOTE_ADDR"] = str(client_address[0])
                env["REMOTE_PORT"] = str(client_address[1])
            keys = _ENVIRON_KEYS
            for name, value in headers._headers:
                key = keys.get(name)
                if key is None:
                    key = _environ_key(name)
                if not key:
                    continue  # a name with "_" (pywsgi drops these), Content-Type, Content-Length
                value = value.strip()
                if key in env:
                    env[key] += ("; " if "COOKIE" in key else ",") + value
                else:
                    env[key] = value
            sock = self.socket if env.get("HTTP_EXPECT") == "100-continue" else None
            chunked = env.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
            handling_reads = not self._connection_upgrade_requested()
            self.wsgi_input = pywsgi.Input(self.rfile, self.content_length, socket=sock, chunked_input=chunked)
            env["wsgi.input"] = self.wsgi_input if handling_reads else self.rfile
            env["wsgi.input_terminated"] = handling_reads
            return env

    def start_response(self, status, headers, exc_info=None):
        """pywsgi's ``start_response`` with its checks made at once on the joined names and
        values (native strings, no CR or LF, latin-1) for the common answer: headers as
        a list of pairs of ASCII strings, no ``exc_info``. Anything else (a bad header, which must be
        refused with pywsgi's own error) goes through pywsgi's (and geventwebsocket's)."""
        if (exc_info is not None or type(headers) is not list or type(status) is not str
                or "\r" in status or "\n" in status):
            return super().start_response(status, headers, exc_info)
        try:
            names = [name for name, _ in headers]
            values = [value for _, value in headers]
            joined = "".join(names) + "".join(values)
        except (TypeError, ValueError):
            return super().start_response(status, headers, exc_info)
        if "\r" in joined or "\n" in joined or not joined.isascii():
            return super().start_response(status, headers, exc_info)
        code = int(status.split(" ", 1)[0])
        response_headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        self.status = status.encode("latin-1")
        self._orig_status = status
        self.response_headers = response_headers
        self.code = code
        provided_connection = None
        self.provided_date = None
        self.provided_content_length = None
        for name, value in zip(names, values, strict=True):
            name = name.lower()
            if name == "connection":
                provided_connection = value
            elif name == "date":
                self.provided_date = value
            elif name == "content-length":
                self.provided_content_length = value
        if self.request_version == "HTTP/1.0" and provided_connection is None:
            response_headers.append((b"Connection", b"close" if self.close_connection else b"keep-alive"))
        elif provided_connection == "close":
            self.close_connection = True
        if code in (304, 204) and self.provided_content_length not in (None, "0"):
            return super().start_response(status, headers, exc_info)  # pywsgi's refusal
        self._prepare_response()  # geventwebsocket's, after pywsgi's
        return self.write

    if hasattr(pywsgi, "format_date_time"):
        def finalize_headers(self):
            # pywsgi formats the Date header for every answer; the same text, once a second.
            if self.provided_date is None:
                self.response_headers.append((b"Date", http_date(time.time())))
                self.provided_date = b""  # pywsgi's: a date is there (nothing else reads it)
                try:
                    return super().finalize_headers()
                finally:
                    self.provided_date = None
            return super().finalize_headers()

    def run_application(self):
        # geventwebsocket looks at every request for a WebSocket upgrade (two debug lines
        # logged and dropped on the way). Without an Upgrade header it finds none and hands
        # the request to pywsgi's own run_application: done here at once.
        if "HTTP_UPGRADE" not in self.environ and not getattr(self.server, "pre_start_hook", None):
            return pywsgi.WSGIHandler.run_application(self)
        return super().run_application()

    def handle_one_response(self):
        try:
            return super().handle_one_response()
        finally:
            gevent.sleep(0)

    def log_request(self):
        # geventwebsocket formats every request's access line (a clock read, a dozen
        # fields) and hands it to its logger at INFO, which the hub runs at WARNING.
        if self.logger.isEnabledFor(logging.INFO):
            super().log_request()

    # pywsgi sends a response's status line and headers, then its body, in two sends: two
    # system calls and two TCP segments for every small JSON answer. The headers are held
    # back here and leave with the first piece of the body (or alone, if there is none).
    _held: bytes | None = None

    def _write_with_headers(self, data):
        self._held = b""
        try:
            super()._write_with_headers(data)
        finally:
            held, self._held = self._held, None
            if held:
                super()._sendall(held)

    def _sendall(self, data):
        if self._held is None:
            return super()._sendall(data)
        if not self._held:
            self._held = bytes(data)  # the headers: wait for the body
            return None
        data, self._held = self._held + bytes(data), None
        return super()._sendall(data)


# Python's cyclic garbage collector looks at its youngest objects after every 700 new
# ones, and at every object now and then. A hub holding thousands of phones keeps ~300
# objects alive for each (greenlets, sockets, queues): a full look took ~0.25 s of CPU and
# came about once every other fan-out to 2,000 phones (docs/benchmarks.md). Objects of
# the start-up are kept out of its sight, and it looks less often: over the fan-out
# benchmark its CPU fell from 3.3 s to 1.3 s, at a few MB more between collections.
GC_YOUNG_OBJECTS = 10_000


def untrack_greenlet_tree() -> None:
    """gevent records, for every greenlet it spawns, the greenlet that spawned it and its
    stack (for debugging tools): three greenlets per connected phone (reader, Engine.IO's
    writer, its ping task, the last spawned again every 25 s). Off: ~4.5 KB less a phone
    (50 → 46 KB measured with 1,500 phones) and cheaper spawns; nothing here reads it."""
    gevent.config.track_greenlet_tree = False


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()  # the app, its center and its libraries: alive as long as the hub
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_OBJECTS, older, oldest)


def serve(app, listener: socket.socket, *, access_log: bool = False, grace_s: float = 5.0) -> None:
    """Serve until SIGTERM or SIGINT, then stop accepting and give requests in flight
    ``grace_s`` seconds to finish (every change is a committed transaction either way)."""
    untrack_greenlet_tree()
    tune_garbage_collector()
    server = pywsgi.WSGIServer(listener, app, handler_class=FairHandler,
                               log=None if not access_log else "default", error_log="default")

    def stop() -> None:
        hub = app.extensions.get("yimen")
        if hub is not None:
            hub.stop()
        gevent.spawn(server.stop, timeout=grace_s)

    for signum in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(signum, stop)
    server.serve_forever()

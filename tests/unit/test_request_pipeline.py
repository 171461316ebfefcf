"""The request pipeline's shortcuts. The hub's reading of request headers
(``server/serve.py``) against gevent's own: for every block, the same message (headers,
values, ``get``, what pywsgi builds the environ from), the same refusals and the same
bytes left unread for the body; and Flask's ``ensure_sync`` as remembered by ``HubFlask``."""

from __future__ import annotations

import io
import itertools

import pytest
from gevent import pywsgi

from server import serve

BLOCKS = [
    b"\r\n",
    b"\n",
    b"Host: hub\r\n\r\n",
    b"Host: hub\r\nUser-Agent: python-requests/2.32\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\n"
    b"Connection: keep-alive\r\nX-Device-Key: demo-kiosk-1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 30\r\n\r\n",
    b"host: a\nCONTENT-length: 5\n\n",  # bare LF line ends, any case
    b"X-A: one\r\nx-a: two\r\nX-A:three\r\n\r\n",  # repeated names: get answers the first
    b"X-Pad:   \t spaced  \t \r\nX-Empty:\r\nX-Colon: a: b\r\n\r\n",
    b"Transfer-Encoding: chunked\r\nContent-Length: 12\r\n\r\n",
    b"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\n\r\n",
    b"X_Under: dropped by pywsgi\r\nX-Ok: 1\r\n\r\n",
    b"X-Latin: caf\xe9 \xff\r\n\r\n",
    b"X-Trail: a  \t\r\nX-Tab:\tv\r\n!#$%&'*+-.^_`|~: odd name\r\nX-DEL: a\x7fb\x00c\r\n\r\n",
    b"X-Mixed: lf\nX-Other: crlf\r\n\n",
    b"Cookie: a=1\r\nCookie: b=2\r\n\r\n",
    # what goes to email's parser
    b"X-Folded: one\r\n two\r\n\tthree\r\nHost: h\r\n\r\n",  # folded lines
    b" X-Leading: space\r\nHost: h\r\n\r\n",  # a first line that is a continuation
    b"Bad Name: x\r\nHost: h\r\n\r\n",  # a space in the name ends the headers there
    b"Host: h\r\nno colon here\r\nX-After: 1\r\n\r\n",
    b": no name\r\nHost: h\r\n\r\n",
    b"From someone\r\nHost: h\r\n\r\n",
    b"X-CR: a\rb\r\nHost: h\r\n\r\n",  # a lone CR inside a line
    b"X-FF: a\x0cb\r\nHost: h\r\n\r\n",
    b"X-NEL: a\x85b\r\nHost: h\r\n\r\n",
    b"X-VT: a\x0bb\r\nHost: h\r\n\r\n",
    b"X-FS: a\x1cb\r\nHost: h\r\n\r\n",
    b"X-GS: a\x1db\r\nHost: h\r\n\r\n",
    b"X-RS: a\x1eb\r\nHost: h\r\n\r\n",
    b"X-US: a\x1fb\r\nHost: h\r\n\r\n",  # not a break of splitlines: plain
    b"Host: h\r\nX-End: cr only\r",
    b"X-Double: a\r\r\nHost: h\r\n\r\n",
    b"Host: h\r\nX-Cut: the stream ends",  # no empty line: the end of the stream
    b"Host: h\r\n",
    b"",
    b"Content-Type: multipart/form-data; boundary=x\r\n\r\n",
    b"Content-Type: message/rfc822\r\n\r\n",
    b"content-type: Multipart/Mixed\r\n\r\n",
    b"Content-Type: message/delivery-status\r\n\r\n",
    b"Content-Type: text/plain; x=multipart\r\n\r\n",
]


def snapshot(message) -> dict:
    names = {name.lower() for name, _ in message.items()} | {
        "host", "content-length", "content-type", "transfer-encoding", "connection", "upgrade", "x-none"}
    return {
        "status": message.status,
        "items": list(message.items()),
        "get": {name: (message.get(name), message.get(name.upper(), "d")) for name in sorted(names)},
        "typeheader": message.typeheader,
        "getheader": message.getheader("content-length"),
        "headers": list(message.headers),
        "defects": [type(d) for d in message.defects],
        "payload": payload if isinstance(payload := message.get_payload(), str | None)
        else [type(part).__name__ for part in payload],
        "unixfrom": message.get_unixfrom(),
        "default_type": message.get_default_type(),
    }


def both(block: bytes, body: bytes = b"BODY"):
    results = []
    for parse in (pywsgi.headers_factory, serve.read_request_headers):
        rfile = io.BufferedReader(io.BytesIO(block + body))
        try:
            results.append((snapshot(parse(rfile, 0) if parse is pywsgi.headers_factory else parse(rfile)),
                            rfile.read()))
        except Exception as exc:  # noqa: BLE001 - the refusal itself is compared
            results.append((type(exc), str(exc)))
    return results


@pytest.mark.parametrize("block", BLOCKS)
def test_the_same_message_as_gevents(block):
    theirs, ours = both(block)
    assert ours == theirs


def test_plain_blocks_take_the_quick_way():
    plain = serve.read_request_headers(io.BufferedReader(io.BytesIO(BLOCKS[3])))
    assert type(plain) is serve.RequestHeaders and plain._index is not None
    folded_block = next(block for block in BLOCKS if block.startswith(b"X-Folded"))
    folded = serve.read_request_headers(io.BufferedReader(io.BytesIO(folded_block)))
    assert type(folded) is pywsgi.OldMessage  # email's parser, as gevent does
    for block in BLOCKS[2:14]:  # the plain ones (an empty message is false: email parses those)
        assert type(serve.read_request_headers(io.BufferedReader(io.BytesIO(block)))) is serve.RequestHeaders


def test_limits_refused_as_gevent_refuses():
    long_line = b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n"
    many = b"".join(b"X-%d: v\r\n" % i for i in range(120)) + b"\r\n"
    exactly = b"".join(b"X-%d: v\r\n" % i for i in range(99)) + b"\r\n"
    for block in (long_line, many, exactly):
        theirs, ours = both(block)
        assert ours == theirs
    assert both(long_line)[1][0]["status"] == "Line too long"


def test_a_change_after_parsing_is_seen_by_get():
    message = serve.read_request_headers(io.BufferedReader(io.BytesIO(BLOCKS[7])))
    del message["content-length"]  # what pywsgi does to a chunked request
    assert message.get("content-length") is None and message.get("Transfer-Encoding") == "chunked"
    message["X-Added"] = "1"
    assert message.get("x-added") == "1"
    message.replace_header("Transfer-Encoding", "identity")
    assert message.get("transfer-encoding") == "identity"


def test_every_pair_of_simple_lines():
    """Every pair of a few plain and odd lines, in either order, parsed the same way."""
    lines = [b"Host: h\r\n", b"X-A:  v \r\n", b"x-a: w\r\n", b" cont\r\n", b"Bad Line\r\n", b"X-B: \x85\r\n",
             b"X-C: \xe9\n"]
    for first, second in itertools.product(lines, repeat=2):
        theirs, ours = both(first + second + b"\r\n")
        assert ours == theirs, (first, second)


def test_without_gevents_adapter_the_handler_parses_as_gevent_does(monkeypatch):
    import importlib

    monkeypatch.delattr(pywsgi, "OldMessage")
    try:
        bare = importlib.reload(serve)
        assert bare.RequestHeaders is None
        assert bare.FairHandler.MessageClass is pywsgi.WSGIHandler.MessageClass
    finally:
        monkeypatch.undo()
        importlib.reload(serve)
    assert serve.FairHandler.MessageClass is not pywsgi.WSGIHandler.MessageClass


def test_flask_still_runs_async_views_and_callable_objects():
    from server.flask_app import HubFlask

    app = HubFlask(__name__)

    async def coroutine():
        return "async"

    def plain():
        return "plain"

    class Unhashable:
        __hash__ = None

        def __call__(self):
            return "object"

    assert app.ensure_sync(plain) is plain and app.ensure_sync(plain) is plain
    for _ in range(2):  # never remembered: Flask's own answer each time (here: async needs an extra)
        try:
            wrapped = app.ensure_sync(coroutine)
        except RuntimeError as exc:
            assert "async" in str(exc)
        else:
            assert wrapped is not coroutine
    thing = Unhashable()
    assert app.ensure_sync(thing) is thing


# --- the environ and start_response of the hub's handler against pywsgi's own ---

class _Server:
    def __init__(self):
        self.base = {"SERVER_NAME": "hub", "SERVER_PORT": "5300", "wsgi.url_scheme": "http",
                     "GATEWAY_INTERFACE": "CGI/1.1"}

    def get_environ(self):
        return dict(self.base)


def _handler(cls, block: bytes = b"Host: h\r\n\r\n", request_line: str = "GET /a%20b?x=1&y=%41 HTTP/1.1",
             body: bytes = b"BODY"):
    """A handler of ``cls`` that has read ``request_line`` and ``block`` as pywsgi does."""
    handler = cls.__new__(cls)
    handler.rfile = io.BufferedReader(io.BytesIO(block + body))
    handler.socket = object()
    handler.client_address = ("127.0.0.1", 40000)
    handler.server = _Server()
    handler.environ = {}
    handler.result = None
    handler.headers_sent = False
    handler.read_request(request_line)
    return handler


def _environ(cls, block: bytes, request_line: str = "GET /a%20b?x=1&y=%41 HTTP/1.1"):
    try:
        handler = _handler(cls, block, request_line)
    except Exception as exc:  # noqa: BLE001 - the refusal itself is compared
        return type(exc), str(exc)
    env = handler.get_environ()
    stream = env.pop("wsgi.input")
    try:
        read = stream.read() if stream is not handler.rfile else ("rfile", stream.read())
    except Exception as exc:  # noqa: BLE001 - a body shorter than its Content-Length, a bad chunk
        read = type(exc), str(exc)
    return env, type(stream).__name__, read, handler.headers.get("content-length")


ENVIRON_BLOCKS = BLOCKS + [
    b"Host: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
    b"Transfer-Encoding: chunked\r\n\r\n",
    b"Host: h\r\nContent-Type: a\r\nContent-Type: b\r\nContent-Length: 4\r\n\r\n",
    b"X-Tricky: \x0bvalue\x0b\r\nHost: h\r\n\r\n",  # str.strip takes more than spaces
]


@pytest.mark.parametrize("block", ENVIRON_BLOCKS)
@pytest.mark.parametrize("request_line", ["GET /a%20b?x=1&y=%41 HTTP/1.1", "POST /p%C3%A9 HTTP/1.0",
                                          "GET /", "GET /x?y?z HTTP/1.1"])
def test_the_same_environ_as_pywsgis(block, request_line):
    ours = _environ(serve.FairHandler, block, request_line)
    theirs = _environ(pywsgi.WSGIHandler, block, request_line)
    assert ours == theirs


def test_plain_headers_build_the_environ_the_quick_way(monkeypatch):
    handler = _handler(serve.FairHandler, BLOCKS[3])
    assert type(handler.headers) is serve.RequestHeaders
    monkeypatch.setattr(pywsgi.WSGIHandler, "_headers", None)  # pywsgi's way is not taken
    env = handler.get_environ()
    assert env["HTTP_X_DEVICE_KEY"] == "demo-kiosk-1" and env["CONTENT_LENGTH"] == "30"


RESPONSES = [
    ("200 OK", [("Content-Type", "application/json"), ("Content-Length", "12")]),
    ("201 CREATED", [("Content-Type", "text/html; charset=utf-8"), ("X-A", "1"), ("x-a", "2")]),
    ("204 NO CONTENT", []),
    ("204 NO CONTENT", [("Content-Length", "0")]),
    ("304 NOT MODIFIED", [("Content-Length", "5")]),  # refused
    ("200 OK", [("Connection", "close"), ("Date", "Tue, 01 Dec 2026 10:00:00 GMT")]),
    ("200 OK", [("Connection", "keep-alive")]),
    ("200 OK", [("X-Latin", "caf\xe9")]),  # latin-1, not ASCII
    ("200 OK", [("X-Wide", "\u4e2d")]),  # refused: not latin-1
    ("200 OK", [("X-Split", "a\r\nSet-Cookie: x")]),  # refused: a line break
    ("200 OK", [("X-Split\n", "a")]),
    ("200 OK", [("X-Bytes", b"a")]),  # refused: not a native string
    ("200 OK", [(b"X-Bytes", "a")]),
    ("200 OK", [("X-Short",)]),  # refused: not a pair
    ("200 OK", [("X-Long", "a", "b")]),
    ("200\r\nX: y OK", []),
    (b"200 OK", []),
    ("abc OK", []),  # refused: no status code
    ("200 OK", ("Content-Length", "1")),  # not a list of pairs
    ("200 OK", lambda: iter([("X-Iter", "1")])),  # an iterator: read once only
    ("200 OK", lambda: (("X-Tuple", "1"), ("Content-Length", "3"))),
]


def _start(cls, status, headers, request_line="GET / HTTP/1.1", exc_info=None):
    handler = _handler(cls, request_line=request_line)
    handler.environ = handler.get_environ()
    headers = headers() if callable(headers) else headers
    try:
        writer = handler.start_response(status, headers, exc_info)
    except Exception as exc:  # noqa: BLE001 - the refusal itself is compared
        return type(exc), exc.args
    state = {name: getattr(handler, name, None) for name in (
        "status", "_orig_status", "response_headers", "code", "provided_date", "provided_content_length",
        "close_connection", "response_use_chunked")}
    handler.result = [b"twelve bytes"]
    handler.finalize_headers()
    state["final"] = [(n, v) for n, v in handler.response_headers if n != b"Date"]
    state["dated"] = sum(n == b"Date" for n, _ in handler.response_headers)
    return state, writer.__name__


class _PywsgiWebSocketHandler(serve.WebSocketHandler):
    """geventwebsocket's handler as it is: pywsgi's start_response and finalize_headers."""


@pytest.mark.parametrize("status, headers", RESPONSES)
@pytest.mark.parametrize("request_line", ["GET / HTTP/1.1", "GET / HTTP/1.0"])
def test_start_response_as_pywsgis(status, headers, request_line):
    ours = _start(serve.FairHandler, status, headers, request_line)
    theirs = _start(_PywsgiWebSocketHandler, status, headers, request_line)
    assert ours == theirs


def test_start_response_with_exc_info_as_pywsgis():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        info = sys.exc_info()
    assert _start(serve.FairHandler, "500 X", [], exc_info=info) == _start(
        _PywsgiWebSocketHandler, "500 X", [], exc_info=info)


def test_the_date_header_is_pywsgis_text():
    import time

    for now in (0.0, 1.5, 1_780_000_000.999, time.time()):
        assert serve.http_date(now) == pywsgi.format_date_time(now)
    assert serve.http_date(1_780_000_001.2) == pywsgi.format_date_time(1_780_000_001)


def test_a_plain_answer_takes_the_quick_start_response(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pywsgi's start_response was taken")

    monkeypatch.setattr(pywsgi.WSGIHandler, "start_response", refuse)
    state, _ = _start(serve.FairHandler, *RESPONSES[0])
    assert state["final"] == [(b"Content-Type", b"application/json"), (b"Content-Length", b"12")]
    assert _start(serve.FairHandler, *RESPONSES[9])[0] is AssertionError  # a bad header: pywsgi's way


def test_headers_stored_through_the_policy_when_it_is_not_compat32(monkeypatch):
    import email.policy

    quick = serve.read_request_headers(io.BufferedReader(io.BytesIO(BLOCKS[3])))
    monkeypatch.setattr(email.policy, "compat32", email.policy.HTTP)  # the message's own is another
    stored = serve.read_request_headers(io.BufferedReader(io.BytesIO(BLOCKS[3])))
    assert stored._headers == quick._headers and stored.get("x-device-key") == "demo-kiosk-1"


# --- the security headers' answer against Werkzeug's own get_wsgi_response ---

def _secured_app():
    from flask import Flask

    from server.api.security import init_security_headers

    app = Flask(__name__)
    init_security_headers(app)
    return app


def _answers(app):
    json = {"mimetype": "application/json"}
    yield app.response_class('{"ok":true}\n', status=200, **json)
    yield app.response_class('{"id":1}\n', status=201, **json)
    yield app.response_class("", status=204)
    yield app.response_class("", status=304, headers={"ETag": "x", "Content-Type": "text/plain"})
    yield app.response_class("moved", status=301, headers={"Location": "/ünï?x=1"})
    yield app.response_class("here", status=200, headers={"Content-Location": "/a b"})
    yield app.response_class("x", status=404, headers={"X-Frame-Options": "SAMEORIGIN", "x-a": "1", "X-A": "2"})
    yield app.response_class("x", status=429, headers={"Retry-After": "7", "Content-Length": "1"})
    yield app.response_class(iter([b"streamed", b" body"]), status=200)  # no Content-Length
    yield app.response_class([b"a", b"b"], status=200)  # a sequence without one: Werkzeug sets it
    yield app.response_class("early", status=103)
    yield app.response_class("odd", status=600)
    passthrough = app.response_class(iter([b"raw"]), status=200, headers={"Content-Length": "3"},
                                     direct_passthrough=True)
    yield passthrough
    unsized = app.response_class("x", status=200)
    del unsized.headers["Content-Length"]
    yield unsized
    closing = app.response_class('{"ok":true}\n', status=200, **json)
    closing.call_on_close(lambda: None)
    yield closing
    yield app.response_class(["text ünï"], status=200)  # a list of str: encoded on the way
    yield app.response_class(b"", status=200)
    yield app.response_class('{"a":1}\n', status=199, **json)


def _wsgi(response, environ):
    app_iter, status, headers = response.get_wsgi_response(environ)
    try:
        return status, list(headers), b"".join(app_iter)
    finally:
        getattr(app_iter, "close", lambda: None)()


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_the_same_answer_as_werkzeugs(method, monkeypatch):
    import flask

    app = _secured_app()
    environ = {"REQUEST_METHOD": method, "wsgi.url_scheme": "http", "HTTP_HOST": "hub:5300",
               "SERVER_NAME": "hub", "SERVER_PORT": "5300", "PATH_INFO": "/a/b", "SCRIPT_NAME": "",
               "QUERY_STRING": ""}
    ours = [_wsgi(response, environ) for response in _answers(app)]
    monkeypatch.setattr(app.response_class, "_plain_wsgi_headers", lambda self: None)
    monkeypatch.setattr(app.response_class, "get_app_iter", flask.Response.get_app_iter)
    theirs = [_wsgi(response, environ) for response in _answers(app)]
    assert ours == theirs
    assert all(("X-Content-Type-Options", "nosniff") in headers for _, headers, _ in ours)


def test_a_json_answer_takes_the_quick_way(monkeypatch):
    import flask

    monkeypatch.setattr(flask.Response, "get_wsgi_headers",
                        lambda self, environ: pytest.fail("Werkzeug's get_wsgi_headers was taken"))
    app = _secured_app()
    response = app.response_class('{"ok":true}\n', status=201, mimetype="application/json")
    _, headers, body = _wsgi(response, {"REQUEST_METHOD": "POST"})
    assert body == b'{"ok":true}\n' and ("Content-Length", "12") in headers
    app_iter, _, _ = response.get_wsgi_response({"REQUEST_METHOD": "POST"})
    assert app_iter is response.response  # the body's own list, no generator to run


# --- the URL adapter HubFlask binds against Flask's own ---

HOSTS = [
    {"HTTP_HOST": "127.0.0.1:5300"},
    {"HTTP_HOST": "Hub.Example:80"},  # the standard port: dropped by get_host
    {"HTTP_HOST": "hub.example:443", "wsgi.url_scheme": "https"},
    {"HTTP_HOST": "[::1]:5300"},
    {"HTTP_HOST": "bücher.example"},  # not a host get_host takes: an empty name
    {"HTTP_HOST": "xn--bcher-kva.example"},
    {"HTTP_HOST": "a..b"},  # an empty label: BadHost
    {"HTTP_HOST": "x" * 70 + ".example"},  # a label too long: BadHost
    {},  # no Host header: the server's name and port
    {"HTTP_HOST": "hub", "HTTP_CONNECTION": "keep-alive, Upgrade", "HTTP_UPGRADE": "WebSocket"},
    {"HTTP_HOST": "hub", "HTTP_CONNECTION": "Upgrade", "HTTP_UPGRADE": "websocket", "wsgi.url_scheme": "https"},
    {"HTTP_HOST": "hub", "HTTP_UPGRADE": "websocket"},  # no Connection: upgrade
    {"HTTP_HOST": "hub", "HTTP_CONNECTION": "upgrade", "HTTP_UPGRADE": "h2c"},
    {"HTTP_HOST": "hub", "PATH_INFO": "/caf\xc3\xa9/x", "QUERY_STRING": "a=\xc3\xa9&b", "SCRIPT_NAME": "/root"},
    {"HTTP_HOST": "hub", "PATH_INFO": "/\xff", "QUERY_STRING": "\xff"},  # not UTF-8: replaced
    {"HTTP_HOST": "hub", "SCRIPT_NAME": None, "PATH_INFO": None, "QUERY_STRING": None},
]


def _adapter(app, overrides: dict):
    from werkzeug.exceptions import HTTPException

    environ = {"REQUEST_METHOD": "POST", "wsgi.url_scheme": "http", "SERVER_NAME": "srv", "SERVER_PORT": "5300",
               "SCRIPT_NAME": "", "PATH_INFO": "/api/v1/tickets", "QUERY_STRING": "x=1"}
    environ.update(overrides)
    environ = {key: value for key, value in environ.items() if value is not None}
    request = app.request_class(environ)
    try:
        adapter = app.create_url_adapter(request)
    except HTTPException as exc:
        return type(exc), exc.code
    return request.host, {name: getattr(adapter, name) for name in (
        "server_name", "script_name", "subdomain", "url_scheme", "path_info", "default_method", "query_args")}


def _apps(**config):
    from flask import Flask

    from server.flask_app import HubFlask

    ours, theirs = HubFlask(__name__), Flask(__name__)
    for app in (ours, theirs):
        app.config.update(config)
        app.add_url_rule("/api/v1/tickets", "tickets", lambda: "", methods=["POST"])
    return ours, theirs


@pytest.mark.parametrize("overrides", HOSTS)
@pytest.mark.parametrize("config", [{}, {"TRUSTED_HOSTS": ["hub", "127.0.0.1"]}, {"SERVER_NAME": "hub:5300"}])
def test_the_same_url_adapter_as_flasks(overrides, config):
    ours, theirs = _apps(**config)
    for _ in range(2):  # the second time from the remembered name
        assert _adapter(ours, overrides) == _adapter(theirs, overrides)


def test_the_url_adapter_the_quick_way(monkeypatch):
    from werkzeug.routing import Map

    ours, _ = _apps()
    monkeypatch.setattr(Map, "bind_to_environ", lambda *a, **k: pytest.fail("Werkzeug's way was taken"))
    host, adapter = _adapter(ours, HOSTS[1])
    assert adapter["server_name"] == "hub.example" and host == "Hub.Example"
    for i in range(300):  # a bounded memory of hosts
        _adapter(ours, {"HTTP_HOST": f"h{i}"})
    assert len(ours._server_names) <= 256


def test_the_request_reads_max_content_length_as_flasks():
    import flask

    from server.flask_app import HubFlask, HubRequest

    environ = {"REQUEST_METHOD": "POST", "wsgi.url_scheme": "http", "SERVER_NAME": "h", "SERVER_PORT": "80",
               "PATH_INFO": "/", "CONTENT_LENGTH": "3", "wsgi.input": io.BytesIO(b"abc")}
    assert HubFlask.request_class is HubRequest
    assert HubRequest(dict(environ)).max_content_length == flask.Request(dict(environ)).max_content_length
    for limit in (None, 2, 10):
        app = HubFlask(__name__)
        app.config["MAX_CONTENT_LENGTH"] = limit
        with app.app_context():
            ours, theirs = HubRequest(dict(environ)), flask.Request(dict(environ))
            assert ours.max_content_length == theirs.max_content_length == limit
            ours.max_content_length = theirs.max_content_length = 1  # per request (Flask 3.1)
            assert ours.max_content_length == theirs.max_content_length == 1
    app = HubFlask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 2
    app.add_url_rule("/", "body", lambda: flask.request.get_data(), methods=["POST"])
    assert app.test_client().post("/", data=b"abc").status_code == 413


def test_the_helpers_outside_a_request_fail_as_flasks_proxies_do():
    from flask import g, request

    from server.api import parsing

    for helper, proxy in ((parsing.current_request, lambda: request.headers), (parsing.current_g, lambda: g.get),
                          (parsing.hub, lambda: parsing.current_app.extensions)):
        with pytest.raises(RuntimeError) as ours:
            helper()
        with pytest.raises(RuntimeError) as theirs:
            proxy()
        assert str(ours.value) == str(theirs.value)


def test_environ_keys_remembered_as_pywsgi_makes_them():
    names = ["Host", "X-A", "x-a", "Content-Type", "content-length", "X_Under", "Sec-WebSocket-Key"] + [
        f"X-N{i}" for i in range(600)]
    for _ in range(2):  # made, then remembered (and forgotten past the bound)
        for name in names:
            key = serve._environ_key(name) if name not in serve._ENVIRON_KEYS else serve._ENVIRON_KEYS[name]
            expected = "" if "_" in name or name.lower() in ("content-type", "content-length") else (
                "HTTP_" + name.replace("-", "_").upper())
            assert key == expected
    assert len(serve._ENVIRON_KEYS) <= 512

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
    folded = serve.read_request_headers(io.BufferedReader(io.BytesIO(BLOCKS[12])))
    assert type(folded) is pywsgi.OldMessage  # email's parser, as gevent does


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
    from server.app import HubFlask

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

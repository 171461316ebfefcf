"""The hub's HTTP server (gevent's pywsgi with the hub's handler, ``server/serve.py``) on
a real hub over raw sockets: keep-alive, chunked bodies, headers email's parser must
read (folded lines), requests it refuses with 400, and the WebSocket upgrade."""

from __future__ import annotations

import json
import socket

from tests.support.api import DEMO_KIOSK_KEY, Api
from tests.support.sio import Listener


def _connect(hub) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", hub.port), timeout=10)
    sock.settimeout(10)
    return sock


def _answer(sock: socket.socket, buffer: bytearray) -> tuple[int, dict[str, str], bytes]:
    """One answer with a Content-Length body: status, headers (lower-case names), body."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, f"the hub closed the connection; so far {bytes(buffer)!r}"
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", 0))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk
        rest += chunk
    del buffer[:]
    buffer += rest[length:]
    return int(lines[0].split()[1]), headers, rest[:length]


def _issue_request(body: bytes, *extra: bytes) -> bytes:
    return (b"POST /api/v1/tickets HTTP/1.1\r\nHost: hub\r\nX-Device-Key: " + DEMO_KIOSK_KEY.encode()
            + b"\r\nContent-Type: application/json\r\n" + b"".join(extra)
            + b"Content-Length: %d\r\n\r\n" % len(body) + body)


def test_keep_alive_chunked_bodies_and_folded_headers(hub):
    sock = _connect(hub)
    buffer = bytearray()
    # two requests in one send on one connection: both answered, in order
    first = _issue_request(b'{"matter_id":"hukou-move-in","idempotency_key":"http-1"}')
    sock.sendall(first + b"GET /api/v1/no-such-route HTTP/1.1\r\nHost: hub\r\n\r\n")
    status, headers, body = _answer(sock, buffer)
    assert status == 201 and json.loads(body)["number"]
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff" and "frame-ancestors 'none'" in headers[
        "content-security-policy"]
    status, headers, body = _answer(sock, buffer)
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"
    # the same key again on the same connection: the same ticket (200)
    sock.sendall(first)
    status, _, again = _answer(sock, buffer)
    assert status == 200 and json.loads(again)["number"] == json.loads(_issued(hub, "http-1"))["number"]
    # a chunked body
    payload = b'{"matter_id":"hukou-move-in","idempotency_key":"http-2"}'
    sock.sendall(b"POST /api/v1/tickets HTTP/1.1\r\nHost: hub\r\nX-Device-Key: " + DEMO_KIOSK_KEY.encode()
                 + b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                 + b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (20, payload[:20], len(payload) - 20, payload[20:]))
    status, _, body = _answer(sock, buffer)
    assert status == 201, body
    # a folded header line (email's parser reads it) and repeated names
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: hub\r\nX-Folded: one\r\n two\r\nAccept: */*\r\n"
                 b"Accept: text/plain\r\n\r\n")
    status, _, body = _answer(sock, buffer)
    assert status == 200 and json.loads(body)["ok"] is True
    # a refused key read from the headers the quick way: 401, the connection kept
    sock.sendall(b"GET /api/v1/auth/me HTTP/1.1\r\nHost: hub\r\nAuthorization:   Bearer nope  \r\n\r\n")
    status, headers, body = _answer(sock, buffer)
    assert status == 401 and headers["www-authenticate"] == 'Bearer realm="yimen"'
    # Connection: close is honoured
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
    status, _, _ = _answer(sock, buffer)
    assert status == 200
    assert sock.recv(1) == b""
    sock.close()


def _issued(hub, key: str) -> bytes:
    answer = Api.kiosk(hub.url).post("/tickets", {"matter_id": "hukou-move-in", "idempotency_key": key})
    assert answer.status_code == 200
    return answer.content


def test_bad_requests_get_400_and_the_hub_goes_on(hub):
    for raw in (b"NOT A REQUEST\r\n\r\n",
                b"GET /healthz HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
                b"GET /healthz HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(120)) + b"\r\n",
                b"POST /api/v1/tickets HTTP/1.1\r\nContent-Length: -3\r\n\r\n"):
        sock = _connect(hub)
        sock.sendall(raw)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        sock.close()
        assert answer.startswith(b"HTTP/1.1 400"), (raw[:40], answer[:200])
    assert Api(hub.url).get("/queues").status_code == 200


def test_the_websocket_upgrade_still_reaches_socketio(hub, clerk, kiosk):
    display = Listener(hub.url, "/display", {}, ("hall_state", "ticket_called")).connect()  # WebSocket only
    try:
        display.wait_for("hall_state")
        ticket = kiosk.issue()
        clerk.post("/windows/w16/open")
        assert clerk.post("/windows/w16/call-next").json()["number"] == ticket["number"]
        display.wait_for("ticket_called", lambda c: c["number"] == ticket["number"], timeout=10)
    finally:
        display.disconnect()

"""A partner platform stand-in: an HTTP server that receives the hub's webhooks.

It verifies every signature (key, secret, timestamp within 300 s, nonce never seen),
records what it got, and fails or answers slowly on command: in-process through
``PartnerSimulator`` (the tests), or from the command line::

    python -m bench.partner_sim --port 8099 --key pk_... --secret ... [--delay 0.05]
    curl -X POST localhost:8099/_control -d '{"fail": 5, "status": 503, "delay_s": 0}'
    curl localhost:8099/_received
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from server.services.partners import signing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops concurrent connects (a 1 s SYN retry)


@dataclass
class Received:
    at: float
    path: str
    headers: dict
    body: dict | None
    signature_ok: bool
    problem: str | None


@dataclass
class Behaviour:
    fail: int = 0  # answer the next N webhooks with `status`
    status: int = 503
    delay_s: float = 0.0  # wait this long before answering
    hang: bool = False  # never answer (until told otherwise)


@dataclass
class PartnerSimulator:
    key: str = ""
    secrets: list[str] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    behaviour: Behaviour = field(default_factory=Behaviour)
    clock: Callable[[], float] = time.time  # Unix seconds, to judge X-Timestamp

    def __post_init__(self) -> None:
        self.received: list[Received] = []
        self.arrivals = 0  # requests that reached the handler, answered or not yet
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        self._server = _Server((self.host, self.port), self._handler())
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hooks/yimen?hall=haibei"

    def start(self) -> PartnerSimulator:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.behaviour.hang = False
        self._server.shutdown()
        self._server.server_close()

    # what the tests read
    def accepted(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.signature_ok and r.problem is None]

    def wait_for(self, predicate, timeout_s: float = 20.0):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = predicate(self)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"the simulator did not see it within {timeout_s}s: "
                             f"{[(r.body or {}).get('id') for r in self.received]}")

    def check(self, method: str, path: str, headers, body: bytes) -> str | None:
        """None when the request is well signed, else what is wrong."""
        key, raw_ts, nonce, given = (headers.get(name) for name in signing.HEADERS)
        if key != self.key:
            return "unknown key"
        timestamp = signing.parse_timestamp(raw_ts)
        if timestamp is None or signing.is_stale(timestamp, self.clock()):
            return "stale"
        if not any(signing.matches(given or "", s, raw_ts, nonce or "", method, path, body)
                   for s in self.secrets):
            return "bad signature"
        with self._lock:
            if nonce in self._nonces:
                return "replayed"
            self._nonces.add(nonce)
        return None

    def _handler(self):
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                return None

            def _answer(self, status: int, payload) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/_received":
                    with sim._lock:
                        self._answer(200, [r.__dict__ for r in sim.received])
                else:
                    self._answer(404, {"error": "not found"})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/_control":
                    for name, value in json.loads(body or b"{}").items():
                        setattr(sim.behaviour, name, value)
                    self._answer(200, sim.behaviour.__dict__)
                    return
                problem = sim.check("POST", self.path, self.headers, body)
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                behaviour = sim.behaviour
                with sim._lock:
                    sim.arrivals += 1
                while behaviour.hang:
                    time.sleep(0.05)
                if behaviour.delay_s:
                    time.sleep(behaviour.delay_s)
                with sim._lock:
                    failing = behaviour.fail > 0 and problem is None
                    if failing:
                        behaviour.fail -= 1
                    sim.received.append(Received(time.time(), self.path, dict(self.headers), parsed,
                                                 problem is None, problem or ("failed on command" if failing else None)))
                if problem:
                    self._answer(401, {"error": problem})
                elif failing:
                    self._answer(behaviour.status, {"error": "failing on command"})
                else:
                    self._answer(200, {"ok": True})

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", action="append", required=True, help="repeat during a rotation")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    sim = PartnerSimulator(args.key, args.secret, args.host, args.port, Behaviour(delay_s=args.delay))
    print(f"partner simulator on {sim.url}", flush=True)
    try:
        sim._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

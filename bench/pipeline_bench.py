"""The request pipeline alone: the hub's CPU per request, in-process and over HTTP.

    python -m bench.pipeline_bench [--db sqlite|postgresql] [--requests 2000] [--profile FILE]
    python -m bench.pipeline_bench --server [--requests 4000] [--rounds 3]
    python -m bench.pipeline_bench --http [--requests 4000] [--connections 8]

In-process (the default): one process builds the real app (``create_app``, the demo
center and accounts) under gevent and calls it as the WSGI server would (the environ of
a keep-alive request, the body in a file), with no server and no client; each request's
cost is the process's CPU time over the loop divided by the requests. Scenarios:
``POST /api/v1/tickets`` with a kiosk's key (a ticket issued), the same with an unknown
``matter_id`` (refused: the bare pipeline with a body check and the credentials), an
unknown route (404: the bare pipeline), ``GET /healthz``, and a clerk's call-next +
start + finish. ``--profile FILE`` writes a cProfile (CPU clock) of the issuing loop
(``--profile-what refused``: of another).

``--server``: the same app behind the hub's own gevent server (``server.serve``'s
handler) in this process, a raw keep-alive client in another; this process's CPU per
request, rounds of each scenario interleaved (the median is shown, and every round).

``--http``: a real hub process (``run.py``) and a raw keep-alive client on
``--connections`` sockets (a few lines of Python per request, so the client's cost stays
small); the figure is the hub process's own CPU (``/proc``) per request answered.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

KIOSK_KEY = "demo-kiosk-1"


def environ(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> dict:
    """What gevent's pywsgi hands the app for one request (the same keys and kinds)."""
    env = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "5300", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000", "HTTP_HOST": "127.0.0.1:5300",
        "HTTP_USER_AGENT": "bench", "HTTP_ACCEPT": "*/*", "HTTP_CONNECTION": "keep-alive",
        "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": False,
        "wsgi.multiprocess": False, "wsgi.run_once": False, "wsgi.errors": sys.stderr,
        "wsgi.input": io.BytesIO(body), "GATEWAY_INTERFACE": "CGI/1.1",
    }
    if body:
        env["CONTENT_TYPE"] = "application/json"
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def call(app, env: dict) -> tuple[str, bytes]:
    status = []

    def start_response(s, headers, exc_info=None):
        status.append(s)

    result = app(env, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    return status[0], body


def build_app(db_url: str | None, var: Path):
    os.environ["YIMEN_VAR"] = str(var)
    from server.app import create_app
    from server.config import Config
    from server.services.accounts.demo import seed_demo

    overrides = {"ASYNC_MODE": "gevent", "RATELIMIT_DEVICE": "10000000 per minute",
                 "RATELIMIT_STAFF": "10000000 per minute"}
    if db_url:
        overrides["DATABASE_URL"] = db_url
    config = Config(**overrides)
    for name, value in overrides.items():
        setattr(config, name, value)
    app = create_app(config)
    seed_demo(app.extensions["yimen"])
    return app


def login(app, username: str) -> str:
    body = json.dumps({"username": username, "password": "yimen-demo"}).encode()
    status, answer = call(app, environ("POST", "/api/v1/auth/login", body))
    assert status.startswith("200"), (status, answer)
    return json.loads(answer)["token"]


def in_process(args) -> None:
    var = Path(tempfile.mkdtemp(prefix="yimen-pipeline-"))
    drop = None
    url = None
    if args.db == "postgresql":
        from tests.support.services import create_pg_database

        url, drop = create_pg_database()
    try:
        app = build_app(url, var)
        center = json.loads(call(app, environ("GET", "/api/v1/center"))[1])
        matters = [m["id"] for m in center["matters"]][:40]
        kiosk = {"X-Device-Key": KIOSK_KEY}
        counter = iter(range(10**9))

        def issue():
            n = next(counter)
            body = b'{"matter_id":"%s","idempotency_key":"pl-%d"}' % (matters[n % len(matters)].encode(), n)
            return call(app, environ("POST", "/api/v1/tickets", body, kiosk))

        refused_body = b'{"matter_id":"no-such-matter"}'
        scenarios = {
            "issue": (issue, "201"),
            "refused": (lambda: call(app, environ("POST", "/api/v1/tickets", refused_body, kiosk)), "422"),
            "not-found": (lambda: call(app, environ("GET", "/api/v1/no-such-route")), "404"),
            "healthz": (lambda: call(app, environ("GET", "/healthz")), "200"),
        }
        results = {}
        calls = {}
        for name, (run, expect) in scenarios.items():
            if args.only and name != args.only:
                continue
            for _ in range(50):  # warm: caches, connections, first compilations
                status, body = run()
                assert status.startswith(expect), (name, status, body[:300])
            n = args.requests
            if name == args.profile_what and args.profile:
                import cProfile

                profiler = cProfile.Profile(time.process_time)
                profiler.enable()
            started = time.process_time()
            for _ in range(n):
                run()
            spent = time.process_time() - started
            if name == args.profile_what and args.profile:
                profiler.disable()
                profiler.dump_stats(args.profile)
            results[name] = spent * 1e6 / n
            calls[name] = python_calls(run, 200)
        if not args.only or args.only == "clerk":
            profile = args.profile if args.profile and args.profile_what == "clerk" else None
            results["clerk cycle"], calls["clerk cycle"] = clerk_cycles(app, matters, args.requests // 4, profile)
        print(f"in-process, {args.db}, {args.requests} requests each: CPU per request, Python calls per request")
        for name, us in results.items():
            print(f"  {name:<12} {us:8.0f} µs {calls[name]:8.0f} calls")
    finally:
        hub = app.extensions.get("yimen") if "app" in dir() else None
        if hub is not None:
            hub.stop()
            hub.db.dispose()
        if drop:
            drop()
        shutil.rmtree(var, ignore_errors=True)


def python_calls(run, n: int) -> float:
    """Function calls per request (cProfile's count: the same on a busy machine as on a
    quiet one, unlike the CPU time)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        run()
    profiler.disable()
    return pstats.Stats(profiler).total_calls / n


def clerk_cycles(app, matters: list[str], cycles: int, profile: str | None = None) -> tuple[float, float]:
    """CPU per call-next + start + finish at one window, its queue filled beforehand;
    ``profile``: a cProfile (CPU clock) of the counted cycles written there."""
    center = json.loads(call(app, environ("GET", "/api/v1/center"))[1])
    window = center["windows"][0]
    matter = next(m["id"] for m in center["matters"] if m["queue_id"] == window["queue_ids"][0])
    token = login(app, "clerk1")
    auth = {"Authorization": f"Bearer {token}"}
    kiosk = {"X-Device-Key": KIOSK_KEY}
    for i in range(cycles + 40):
        body = b'{"matter_id":"%s","idempotency_key":"cl-%d"}' % (matter.encode(), i)
        assert call(app, environ("POST", "/api/v1/tickets", body, kiosk))[0].startswith("201")
    base = f"/api/v1/windows/{window['id']}/"
    status, answer = call(app, environ("POST", base + "open", headers=auth))
    assert status.startswith("200"), (status, answer)
    finish = b'{"outcome":"completed"}'

    def cycle():
        for action, body in (("call-next", b""), ("start", b""), ("finish", finish)):
            status, answer = call(app, environ("POST", base + action, body, auth))
            assert status.startswith("200"), (action, status, answer[:300])

    for _ in range(20):
        cycle()
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    started = time.process_time()
    for _ in range(cycles):
        cycle()
    spent = (time.process_time() - started) * 1e6 / cycles
    if profile:
        profiler.disable()
        profiler.dump_stats(profile)
    return spent, python_calls(cycle, 10)


# --- over HTTP: a real hub, a raw keep-alive client ---------------------------------------
def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_answer(sock: socket.socket, buffer: bytearray) -> int:
    """Read one answer (Content-Length bodies only: the hub's JSON); its status."""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, _ = bytes(buffer).partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    total = len(head) + 4 + length
    while len(buffer) < total:
        buffer += sock.recv(65536)
    del buffer[:total]
    return int(head[9:12])


def http(args) -> None:
    import requests

    from tests.support.hubproc import HubProcess

    var = Path(tempfile.mkdtemp(prefix="yimen-pipeline-http-"))
    hub = HubProcess(var / "hub", port=args.port, env={"YIMEN_RATELIMIT_DEVICE": "10000000 per minute",
                                                         "YIMEN_RATELIMIT_STAFF": "10000000 per minute"})
    hub.start()
    try:
        matters = [m["id"] for m in requests.get(hub.url + "/api/v1/center", timeout=10).json()["matters"]][:40]
        kinds = {
            "not-found": lambda i: b"GET /api/v1/no-such-route HTTP/1.1\r\nHost: x\r\n\r\n",
            "refused": lambda i: (b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nX-Device-Key: %s\r\n"
                                  b"Content-Type: application/json\r\nContent-Length: 30\r\n\r\n"
                                  b'{"matter_id":"no-such-matter"}' % KIOSK_KEY.encode()),
            "issue": lambda i: _issue_request(matters, i),
        }
        print(f"over HTTP (hub pid {hub.proc.pid}), {args.connections} keep-alive connections: "
              f"hub CPU per request")
        for name, make in kinds.items():
            per_conn = args.requests // args.connections
            counts = []

            def client(c: int, make=make, per_conn=per_conn, counts=counts) -> None:
                sock = socket.create_connection(("127.0.0.1", hub.port))
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                buffer = bytearray()
                ok = 0
                for i in range(per_conn):
                    sock.sendall(make(c * per_conn + i))
                    ok += read_answer(sock, buffer) < 500
                sock.close()
                counts.append(ok)

            threads = [threading.Thread(target=client, args=(c,)) for c in range(args.connections)]
            before = cpu_seconds(hub.proc.pid)
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            spent = cpu_seconds(hub.proc.pid) - before
            done = sum(counts)
            print(f"  {name:<10} {spent * 1e6 / done:8.0f} µs   ({done / wall:.0f}/s)")
    finally:
        hub.stop()
        shutil.rmtree(var, ignore_errors=True)


CLIENT = r"""
import socket, sys, threading
sys.path.insert(0, sys.argv[4])
from bench.pipeline_bench import read_answer, raw_request
what, n, port, conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[5])
matters = sys.argv[6].split(",")
def run(c):
    sock = socket.create_connection(("127.0.0.1", port))
    buffer = bytearray()
    for i in range(n // conns):
        sock.sendall(raw_request(what, matters, f"{sys.argv[7]}-{c}-{i}"))
        read_answer(sock, buffer)
threads = [threading.Thread(target=run, args=(c,)) for c in range(conns)]
[t.start() for t in threads]
[t.join() for t in threads]
"""


def raw_request(what: str, matters: list[str], key: str) -> bytes:
    """A request as a Python client (requests) sends it: its eight headers."""
    head = (b"Host: 127.0.0.1\r\nUser-Agent: python-requests/2.32.3\r\nAccept-Encoding: gzip, deflate\r\n"
            b"Accept: */*\r\nConnection: keep-alive\r\n")
    if what == "not-found":
        return b"GET /api/v1/no-such-route HTTP/1.1\r\n" + head + b"\r\n"
    if what == "refused":
        body = b'{"matter_id":"no-such-matter"}'
    else:
        body = b'{"matter_id":"%s","idempotency_key":"%s"}' % (matters[hash(key) % len(matters)].encode(),
                                                             key.encode())
    return (b"POST /api/v1/tickets HTTP/1.1\r\n" + head + b"X-Device-Key: %s\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (KIOSK_KEY.encode(), len(body), body))


def in_server(args) -> None:
    """The real app behind the hub's own gevent server in this process; the client in
    another: this process's CPU (``getrusage``) per request, the rounds interleaved."""
    import resource
    import subprocess

    import gevent
    from gevent import pywsgi

    from server.serve import FairHandler, make_listener

    var = Path(tempfile.mkdtemp(prefix="yimen-pipeline-server-"))
    app = build_app(None, var)
    center = json.loads(call(app, environ("GET", "/api/v1/center"))[1])
    matters = ",".join(m["id"] for m in center["matters"][:40])
    listener = make_listener("127.0.0.1", args.port or 5320)
    server = pywsgi.WSGIServer(listener, app, handler_class=FairHandler, log=None, error_log="default")
    server.start()
    port = listener.getsockname()[1]
    root = str(Path(__file__).resolve().parents[1])

    def load(what: str, n: int, tag: str) -> float:
        before = resource.getrusage(resource.RUSAGE_SELF)
        client = subprocess.Popen([sys.executable, "-c", CLIENT, what, str(n), str(port), root,
                                   str(args.connections), matters, tag])
        while client.poll() is None:
            gevent.sleep(0.05)
        after = resource.getrusage(resource.RUSAGE_SELF)
        return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e6 / n

    kinds = ("not-found", "refused", "issue")
    for what in kinds:
        load(what, 400, f"warm-{what}")
    figures = {what: [] for what in kinds}
    for round_ in range(args.rounds):
        for what in kinds:
            figures[what].append(load(what, args.requests, f"r{round_}"))
    print(f"the hub's gevent server in-process, {args.connections} keep-alive connections, "
          f"{args.requests} requests a round: CPU per request (median of {args.rounds} rounds; all)")
    for what, values in figures.items():
        ordered = sorted(values)
        print(f"  {what:<10} {ordered[len(ordered) // 2]:8.0f} µs   ({', '.join(f'{v:.0f}' for v in values)})")
    server.stop()
    hub = app.extensions["yimen"]
    hub.stop()
    shutil.rmtree(var, ignore_errors=True)


def _issue_request(matters: list[str], i: int) -> bytes:
    body = b'{"matter_id":"%s","idempotency_key":"h-%d"}' % (matters[i % len(matters)].encode(), i)
    return (b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nX-Device-Key: %s\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (KIOSK_KEY.encode(), len(body), body))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", help="write a cProfile (CPU clock) of the issuing loop here")
    parser.add_argument("--profile-what", default="issue", help="the scenario --profile profiles (clerk: the counter's cycles)")
    parser.add_argument("--only", help="one scenario: issue, refused, not-found, healthz, clerk")
    parser.add_argument("--http", action="store_true", help="a real hub and a raw keep-alive client")
    parser.add_argument("--server", action="store_true",
                        help="the app behind the hub's gevent server in this process, a raw client in another")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    if args.http:
        http(args)
    elif args.server:
        in_server(args)
    else:
        in_process(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

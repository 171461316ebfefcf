"""The release burst: 5,000 booking requests from 100 concurrent clients for 500 seats.

    python -m bench.booking_burst [--requests 5000] [--clients 100] [--seats 500] [--pg] [--write]
                                  [--client procs|raw|requests] [--procs 2] [--timeline]
                                  [--bucket 0.25] [--port 5450] [--profile DIR]

Starts a real hub (SQLite), or with ``--pg`` two hubs on PostgreSQL over Redis, on the
demo hall with appointments on, 5-minute slots of one seat each, open around the clock
(so 500 slots are offered). Request i asks for slot i mod 500, each from a different
person. Reports confirmed bookings (must equal the seats), requests per second and the
p50/p99 latency of an answer. Rate limits are off: a burst from one address is not what
this measures. ``--write`` keeps the Markdown in docs/benchmarks.md.

The 100 clients are by default keep-alive sockets sending prepared requests (the headers
``requests`` would send) from a ``selectors`` loop in each of ``--procs`` processes (2):
no GIL shared by 100 threads between an answer and its timestamp, and the least CPU of
the three on the hub's two cores. ``--client raw`` runs them as threads of this process
(the figures before 2026-12-01 19:30), ``--client requests`` as a ``requests.Session``
each (before 16:00). ``--timeline`` prints, per 250 ms of the burst, the answers, the
seats taken, p50, p99 and the slowest, and which requests made the slowest 1 %
(``--bucket`` seconds instead of 250 ms). The
hubs' CPU split into user and system, the load generator's own CPU and, with ``--pg``,
the PostgreSQL sessions opened go to stderr. ``--profile DIR`` records each hub with
py-spy over the burst (raw stacks in ``DIR/hub-<port>.txt``, the functions with the most
samples printed); ``--port`` gives the first hub's port (the next hub takes the next one).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
import yaml

from bench.common import HubProcess, create_pg_database, percentile, run_report
from bench.hub_bench import CLOCK_TICKS, cpu_seconds
from server.queueing.identity import check_character

DEMO = Path(__file__).resolve().parent.parent / "server" / "centers" / "haibei.yaml"


def center_file(folder: Path) -> str:
    """The demo hall open around the clock today, with 5-minute slots of one seat each."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    document = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    document["center"]["hours"] = ["00:00-23:59"]
    rules = document.setdefault("rules", {})
    rules["appointments"] = {**rules.get("appointments", {}), "enabled": True, "per_slot": 1,
                             "slot_minutes": 5}
    document.setdefault("calendar", {})["workdays"] = [today]
    path = folder / "burst-hall.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def request_bytes(host: str, path: str, body: dict) -> bytes:
    """One keep-alive HTTP/1.1 POST of a JSON body, as bytes: the very headers and body
    ``requests`` sends (the hub parses the same request either way)."""
    data = json.dumps(body).encode("utf-8")
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: python-requests/{requests.__version__}\r\n"
            "Accept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n"
            f"Content-Length: {len(data)}\r\nContent-Type: application/json\r\n\r\n")
    return head.encode("ascii") + data


class RawClient:
    """A keep-alive HTTP/1.1 connection over a plain socket: the request is sent as
    prepared bytes, the answer read by its Content-Length. A tenth of the CPU of
    ``requests`` per call, so that the load generator takes less of the shared cores."""

    def __init__(self, url: str) -> None:
        target = urlsplit(url)
        self.host = target.netloc
        self.sock = socket.create_connection((target.hostname, target.port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def post(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        status_line = self.rfile.readline()
        if not status_line:
            raise ConnectionError("the hub closed the connection")
        status, length = int(status_line.split()[1]), None
        while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise ConnectionError("an answer without Content-Length")
        return status, self.rfile.read(length)

    def close(self) -> None:
        self.rfile.close()
        self.sock.close()


def poll_worker(targets: list[tuple[str, int, list[bytes]]], barrier, out) -> None:
    """One load-generator process: its share of the clients as non-blocking keep-alive
    sockets on one ``selectors`` loop (the same prepared requests as the threads), each
    answer timed when its last byte is read, its body decoded by the parent after the
    burst. Fewer Python steps per answer than asyncio's streams (a line read per header),
    and no GIL shared with 100 threads."""
    import gc
    import selectors

    gc.disable()  # a few thousand small answers: no collector pause inside a timing
    selector = selectors.DefaultSelector()
    clients = []
    for host, port, prepared in targets:
        sock = socket.create_connection((host, port), timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        clients.append({"sock": sock, "prepared": prepared, "next": 0, "buffer": bytearray(),
                        "started": 0.0})
    records: list = []

    def send(client: dict) -> None:
        client["started"] = time.perf_counter()
        client["sock"].sendall(client["prepared"][client["next"]])  # a few hundred bytes

    barrier.wait()  # every process connected: the burst starts
    cpu = time.process_time()
    for client in clients:
        send(client)
        selector.register(client["sock"], selectors.EVENT_READ, client)
    remaining = len(clients)
    while remaining:
        for key, _ in selector.select():
            client = key.data
            chunk = client["sock"].recv(65536)
            if not chunk:
                raise ConnectionError("the hub closed the connection")
            buffer = client["buffer"]
            buffer += chunk
            head_end = buffer.find(b"\r\n\r\n")
            if head_end < 0:
                continue
            length = None
            for line in bytes(buffer[:head_end]).split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                raise ConnectionError("an answer without Content-Length")
            if len(buffer) < head_end + 4 + length:
                continue
            ended = time.perf_counter()
            status = int(buffer[9:12])
            body = b"" if status == 201 else bytes(buffer[head_end + 4:head_end + 4 + length])
            records.append((client["started"], ended, status, body))
            del buffer[:head_end + 4 + length]
            client["next"] += 1
            if client["next"] < len(client["prepared"]):
                send(client)
            else:
                selector.unregister(client["sock"])
                client["sock"].close()
                remaining -= 1
    out.send((records, time.process_time() - cpu))
    out.close()


def burst(urls: list[str], total: int, clients: int, seats: int, client_kind: str = "procs",
          procs: int = 4) -> dict:
    session = requests.Session()
    matter = next(m["id"] for m in session.get(urls[0] + "/api/v1/center").json()["matters"]
                  if m["queue_id"] == "tax")
    slots = session.get(urls[0] + "/api/v1/appointments/slots", params={"matter_id": matter}).json()
    slots = slots[:seats]
    if len(slots) < seats:
        raise SystemExit(f"only {len(slots)} slots offered")
    codes: Counter = Counter()
    # (sent, answered, booked?) per request, perf_counter seconds (CLOCK_MONOTONIC: the
    # same clock in every process of the machine)
    records: list[tuple[float, float, bool]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    generator_cpu = 0.0

    def body_of(n: int) -> dict:
        # Year and sequence spread 5,000 people over distinct ID numbers.
        first17 = f"630102{1960 + n // 1000:04d}0101{n % 1000:03d}"
        return {"matter_id": matter, "start": slots[n % seats]["start"], "name": "王五",
                "id_number": first17 + check_character(first17), "phone": "13900001111"}

    def answered(started: float, status: int, body) -> None:
        ended = time.perf_counter()
        with lock:
            records.append((started, ended, status == 201))
            codes["booked" if status == 201 else body()["error"]["code"]] += 1

    def raw_client(index: int) -> None:
        url = urls[index % len(urls)]
        own = RawClient(url)
        prepared = [request_bytes(own.host, "/api/v1/appointments", body_of(n))
                    for n in range(index, total, clients)]
        barrier.wait()
        for request in prepared:
            started = time.perf_counter()
            status, data = own.post(request)
            answered(started, status, lambda data=data: json.loads(data))
        own.close()

    def requests_client(index: int) -> None:
        own = requests.Session()
        base = urls[index % len(urls)] + "/api/v1/appointments"
        barrier.wait()
        for n in range(index, total, clients):
            body = body_of(n)
            started = time.perf_counter()
            answer = own.post(base, json=body, timeout=60)
            answered(started, answer.status_code, answer.json)

    if client_kind == "procs":
        import multiprocessing

        context = multiprocessing.get_context("fork")
        start_line = context.Barrier(procs + 1)
        workers = []
        for p in range(procs):
            targets = []
            for index in range(p, clients, procs):
                target = urlsplit(urls[index % len(urls)])
                targets.append((target.hostname, target.port,
                                [request_bytes(target.netloc, "/api/v1/appointments", body_of(n))
                                 for n in range(index, total, clients)]))
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(target=poll_worker, args=(targets, start_line, send))
            worker.start()
            send.close()
            workers.append((worker, receive))
        start_line.wait()
        started = time.perf_counter()
        for worker, receive in workers:
            answers, cpu = receive.recv()
            generator_cpu += cpu
            for sent, ended, status, data in answers:
                records.append((sent, ended, status == 201))
                codes["booked" if status == 201 else json.loads(data)["error"]["code"]] += 1
            worker.join()
        wall = max(r[1] for r in records) - started
    else:
        target = raw_client if client_kind == "raw" else requests_client
        threads = [threading.Thread(target=target, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    if sum(codes.values()) != total:
        raise SystemExit(f"{total - sum(codes.values())} requests had no answer")
    latencies = [e - s for s, e, _ in records]
    return {"codes": codes, "wall": wall, "p50": percentile(latencies, 50) * 1000,
            "p99": percentile(latencies, 99) * 1000, "rps": total / wall, "records": records,
            "started": started, "generator_cpu": generator_cpu}


def timeline(result: dict, bucket_s: float = 0.25) -> None:
    """Per ``bucket_s`` of the burst, by when an answer came: answers, of them seats
    taken, p50, p99 and the slowest, to stderr; then the slowest 1 % by when they were
    sent. Shows whether the tail is the start (the seats taken) or spread out."""
    started, records = result["started"], result["records"]
    buckets: dict[int, list] = {}
    for sent, ended, booked in records:
        buckets.setdefault(int((ended - started) / bucket_s), []).append((ended - sent, booked))
    print(f"\n{'from s':>7} {'answers':>7} {'booked':>6} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}",
          file=sys.stderr)
    for n in sorted(buckets):
        lat = [x for x, _ in buckets[n]]
        print(f"{n * bucket_s:7.2f} {len(lat):7d} {sum(b for _, b in buckets[n]):6d} "
              f"{percentile(lat, 50) * 1000:7.0f} {percentile(lat, 99) * 1000:7.0f} "
              f"{max(lat) * 1000:7.0f}", file=sys.stderr)
    latencies = sorted(e - s for s, e, _ in records)
    cut = latencies[int(len(latencies) * 0.99)]
    slow = [(s - started, e - s, b) for s, e, b in records if e - s >= cut]
    early = sum(1 for s, _, _ in slow if s < 1.0)
    print(f"slowest 1 % (>= {cut * 1000:.0f} ms): {len(slow)}, {early} of them sent in the first "
          f"second, {sum(b for *_, b in slow)} took a seat; seat-taking answers p50 "
          f"{percentile([e - s for s, e, b in records if b], 50) * 1000:.0f} ms, p99 "
          f"{percentile([e - s for s, e, b in records if b], 99) * 1000:.0f} ms", file=sys.stderr)


PY_SPY = Path(sys.executable).with_name("py-spy")


def start_profiles(hubs: list, folder: Path) -> list[tuple[subprocess.Popen, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    spies = []
    for hub in hubs:
        out = folder / f"hub-{hub.port}.txt"
        spies.append((subprocess.Popen([str(PY_SPY), "record", "-p", str(hub.proc.pid), "--format", "raw",
                                        "--nonblocking", "-r", "200", "-o", str(out)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out))
    time.sleep(1.0)  # py-spy attaches
    return spies


def stop_profiles(spies: list[tuple[subprocess.Popen, Path]]) -> None:
    for spy, _ in spies:
        spy.send_signal(signal.SIGINT)
    for spy, out in spies:
        spy.wait(30)
        summarize(out)


def summarize(path: Path, top: int = 40) -> None:
    """Own and total samples per function of a raw py-spy file, to stderr."""
    own: Counter = Counter()
    total: Counter = Counter()
    samples = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        samples += n
        own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n
    print(f"\n{path}: {samples} samples", file=sys.stderr)
    for title, counter in (("own", own), ("total", total)):
        print(f"-- by {title}", file=sys.stderr)
        for frame, n in counter.most_common(top):
            print(f"{100 * n / max(samples, 1):6.1f}%  {frame}", file=sys.stderr)


def user_system(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def pg_sessions(url: str) -> int | None:
    """Sessions ever opened on the database (pg_stat_database, counted as they end)."""
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url)
    try:
        with psycopg.connect(host=target.host, port=target.port or 5432, user=target.username,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute("SELECT pg_stat_clear_snapshot()")
            row = conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s",
                               (target.database,)).fetchone()
    except Exception:  # noqa: BLE001 - a figure for the log only
        return None
    return row[0] if row else None


def report(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.booking_burst", description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--pg", action="store_true", help="two hubs on PostgreSQL over Redis")
    parser.add_argument("--port", type=int, default=None, help="the first hub's port (default: free ones)")
    parser.add_argument("--client", choices=("procs", "raw", "requests"), default="procs",
                        help="the load generator: keep-alive sockets on a selectors loop in "
                             "each of --procs processes (default); threads of this process on "
                             "keep-alive sockets (raw, the figures before 2026-12-01 19:30); or "
                             "requests.Session threads (the figures before 2026-12-01 16:00)")
    parser.add_argument("--procs", type=int, default=2,
                        help="load-generator processes of --client procs (default 2)")
    parser.add_argument("--timeline", action="store_true",
                        help="per 250 ms of the burst: answers, p50, p99, to stderr")
    parser.add_argument("--bucket", type=float, default=0.25,
                        help="the timeline's bucket in seconds (default 0.25)")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy each hub into this folder")
    args = parser.parse_args(argv)
    env = {"YIMEN_RATELIMIT": "0", "YIMEN_LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory() as folder:
        center = center_file(Path(folder))
        hubs, drop = [], None
        if args.pg:
            url, drop = create_pg_database()
            env["YIMEN_MQ_CHANNEL"] = f"burst-{time.time_ns()}"
            for n, name in enumerate(("a", "b")):
                hubs.append(HubProcess(Path(folder) / name, db=url, message_queue="redis://127.0.0.1:6379/0",
                                       center=center, env=env, port=args.port and args.port + n).start())
        else:
            hubs.append(HubProcess(Path(folder) / "a", center=center, env=env, port=args.port).start())
        spies = []
        try:
            if args.profile:
                spies = start_profiles(hubs, args.profile)
            before = sum(cpu_seconds(h.proc.pid) for h in hubs)
            split = [user_system(h.proc.pid) for h in hubs]
            client = time.process_time()
            result = burst([h.url for h in hubs], args.requests, args.clients, args.seats, args.client,
                           args.procs)
            result["cpu_ms"] = (sum(cpu_seconds(h.proc.pid) for h in hubs) - before) * 1000 / args.requests
            after = [user_system(h.proc.pid) for h in hubs]
            user = sum(a[0] - b[0] for a, b in zip(after, split, strict=True)) * 1000 / args.requests
            system = sum(a[1] - b[1] for a, b in zip(after, split, strict=True)) * 1000 / args.requests
            print(f"hub CPU per request: user {user:.2f} ms, system {system:.2f} ms; the load generator's "
                  f"own: {(time.process_time() - client + result['generator_cpu']) * 1000 / args.requests:.2f} ms",
                  file=sys.stderr)
            if args.timeline:
                timeline(result, args.bucket)
            if spies:
                stop_profiles(spies)
                spies = []
        finally:
            for spy, _ in spies:
                if spy.poll() is None:
                    os.kill(spy.pid, signal.SIGKILL)
            for hub in hubs:
                hub.stop()
            if drop:
                sessions = pg_sessions(url)
                if sessions is not None:
                    print(f"PostgreSQL sessions opened on the bench database: {sessions}", file=sys.stderr)
                drop()
    where = "two hubs, PostgreSQL + Redis" if args.pg else "one hub, SQLite"
    print(f"### Booking release burst ({where})\n")
    kind = {"procs": f"keep-alive sockets sending prepared requests, on a selectors loop in each of "
                     f"{args.procs} processes",
            "raw": "threads of one process, keep-alive sockets sending prepared requests",
            "requests": "threads of one process, a requests.Session each"}[args.client]
    print(f"{args.requests} requests from {args.clients} concurrent clients ({kind}) for {args.seats} "
          "one-seat slots.\n")
    print("| confirmed | slot_full | other | answered in | requests/s | p50 | p99 | hub CPU per request |")
    print("|---|---|---|---|---|---|---|---|")
    codes = result["codes"]
    others = {k: v for k, v in codes.items() if k not in ("booked", "slot_full")}
    other = sum(others.values())
    print(f"| {codes['booked']} | {codes['slot_full']} | {other} | {result['wall']:.1f} s | "
          f"{result['rps']:.0f} | {result['p50']:.0f} ms | {result['p99']:.0f} ms | {result['cpu_ms']:.2f} ms |")
    if others:
        print("\nOther answers: " + ", ".join(f"{k} {v}" for k, v in sorted(others.items())) + ".")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(run_report("booking-burst-pg" if "--pg" in sys.argv else "booking-burst", report))

"""The release burst: 5,000 booking requests from 100 concurrent clients for 500 seats.

    python -m bench.booking_burst [--requests 5000] [--clients 100] [--seats 500] [--pg] [--write]

Starts a real hub (SQLite), or with ``--pg`` two hubs on PostgreSQL over Redis, on the
demo hall with appointments on, 5-minute slots of one seat each, open around the clock
(so 500 slots are offered). Request i asks for slot i mod 500, each from a different
person. Reports confirmed bookings (must equal the seats), requests per second and the
p50/p99 latency of an answer. Rate limits are off: a burst from one address is not what
this measures. ``--write`` keeps the Markdown in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
import yaml

from bench.common import HubProcess, create_pg_database, percentile, run_report
from bench.hub_bench import cpu_seconds
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


def burst(urls: list[str], total: int, clients: int, seats: int) -> dict:
    session = requests.Session()
    matter = next(m["id"] for m in session.get(urls[0] + "/api/v1/center").json()["matters"]
                  if m["queue_id"] == "tax")
    slots = session.get(urls[0] + "/api/v1/appointments/slots", params={"matter_id": matter}).json()
    slots = slots[:seats]
    if len(slots) < seats:
        raise SystemExit(f"only {len(slots)} slots offered")
    codes: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        own = requests.Session()
        base = urls[index % len(urls)] + "/api/v1/appointments"
        barrier.wait()
        for n in range(index, total, clients):
            # Year and sequence spread 5,000 people over distinct ID numbers.
            first17 = f"630102{1960 + n // 1000:04d}0101{n % 1000:03d}"
            body = {"matter_id": matter, "start": slots[n % seats]["start"], "name": "王五",
                    "id_number": first17 + check_character(first17), "phone": "13900001111"}
            started = time.perf_counter()
            answer = own.post(base, json=body, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                codes["booked" if answer.status_code == 201 else answer.json()["error"]["code"]] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"codes": codes, "wall": wall, "p50": percentile(latencies, 50) * 1000,
            "p99": percentile(latencies, 99) * 1000, "rps": total / wall}


def report(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.booking_burst", description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--pg", action="store_true", help="two hubs on PostgreSQL over Redis")
    args = parser.parse_args(argv)
    env = {"YIMEN_RATELIMIT": "0", "YIMEN_LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory() as folder:
        center = center_file(Path(folder))
        hubs, drop = [], None
        if args.pg:
            url, drop = create_pg_database()
            env["YIMEN_MQ_CHANNEL"] = f"burst-{time.time_ns()}"
            for name in ("a", "b"):
                hubs.append(HubProcess(Path(folder) / name, db=url, message_queue="redis://127.0.0.1:6379/0",
                                       center=center, env=env).start())
        else:
            hubs.append(HubProcess(Path(folder) / "a", center=center, env=env).start())
        try:
            before = sum(cpu_seconds(h.proc.pid) for h in hubs)
            result = burst([h.url for h in hubs], args.requests, args.clients, args.seats)
            result["cpu_ms"] = (sum(cpu_seconds(h.proc.pid) for h in hubs) - before) * 1000 / args.requests
        finally:
            for hub in hubs:
                hub.stop()
            if drop:
                drop()
    where = "two hubs, PostgreSQL + Redis" if args.pg else "one hub, SQLite"
    print(f"### Booking release burst ({where})\n")
    print(f"{args.requests} requests from {args.clients} clients for {args.seats} one-seat slots.\n")
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

"""Hub benchmark: the hub's CPU per operation, throughput and latency, database round trips.

    python -m bench.hub_bench [--scenario issue-sqlite,issue-postgresql,clerks-sqlite,
                               clerks-postgresql,two-hubs,display] [--seconds 10] [--write]

The primary figure is the **hub process's own CPU time per operation**: user + system
time of the hub's pid (``/proc/<pid>/stat``) read before and after the measured window,
divided by the operations answered with success in it. It does not depend on the client,
unlike throughput and latency, which do (client and hub share this machine's cores).

Scenarios (each a real hub process, ``run.py --demo``):

* ``issue-<db>``: ``POST /api/v1/tickets`` from 20 kiosks (20 device keys), each on its own
  keep-alive connection, a fresh idempotency key per request; once with ``wrk`` (Debian
  package ``wrk``: ``scripts/system-packages.sh bench``) and once with 20 Python threads,
  each with its own keep-alive ``requests.Session``.
* ``clerks-<db>``: 20 clerks at 20 windows, each doing call-next, start, finish (outcome
  completed) in a loop over the tickets issued before; one operation = the three calls.
  wrk (one connection per wrk thread: a clerk) and 20 Python threads.
* ``two-hubs``: two hubs on PostgreSQL + Redis, issuing: two wrk processes (10
  connections each) at once, then 20 Python threads, 10 per hub; CPU of both hubs.
* ``display``: 20 displays as real Socket.IO clients, one counter calling 200 tickets:
  the delay from call-next sent to ``ticket_called`` received (SQLite and PostgreSQL).

Database round trips per operation are counted in a separate, short run of the same
requests on a hub started with ``YIMEN_COUNT_ROUND_TRIPS`` (``server/db/database.py``
``RoundTrips``: every statement and every BEGIN, COMMIT, ROLLBACK and ping the driver
sends, by endpoint; the hub's own loops as ``background``). Counting is off in the timed
runs. ``--write`` puts the tables into docs/benchmarks.md (section ``hub``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench import screens_bench as screens
from bench.common import HubProcess, create_pg_database, percentile, pg_available, write_section
from tests.support.api import Api

CLIENTS = 20
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REDIS = "redis://127.0.0.1:6379/0"
ISSUE_ENDPOINT = "api.issue_ticket"
CLERK_ENDPOINTS = ("api.call_next", "api.start", "api.finish")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (``/proc/<pid>/stat`` fields 14, 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Run:
    """One measured window: operations answered, their latencies, the hubs' CPU."""

    client: str
    ops: int = 0
    errors: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    p50_ms: float | None = None
    p99_ms: float | None = None
    codes: Counter = field(default_factory=Counter)
    idle_ms_per_s: float = 0.0  # the hubs' CPU while nobody calls (their own loops)

    @property
    def rate(self) -> float:
        return self.ops / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_op(self) -> float:
        return self.cpu_s * 1000 / self.ops if self.ops else float("nan")

    def finish(self) -> Run:
        if self.latencies_ms:
            self.p50_ms = percentile(self.latencies_ms, 50)
            self.p99_ms = percentile(self.latencies_ms, 99)
        return self


IDLE_S = 2.0


def measured(hubs: list[HubProcess], run: Run, work) -> Run:
    """Run ``work(run)`` and charge the hubs' CPU over it to ``run``; first, the hubs'
    CPU over ``IDLE_S`` with no calls (their loops: flusher, watches, deliveries)."""
    idle = [cpu_seconds(h.proc.pid) for h in hubs]
    time.sleep(IDLE_S)
    run.idle_ms_per_s = sum(cpu_seconds(h.proc.pid) - b for h, b in zip(hubs, idle, strict=True)) * 1000 / IDLE_S
    before = [cpu_seconds(h.proc.pid) for h in hubs]
    started = time.perf_counter()
    work(run)
    run.seconds = run.seconds or time.perf_counter() - started
    run.cpu_s = sum(cpu_seconds(h.proc.pid) - b for h, b in zip(hubs, before, strict=True))
    return run.finish()


# --- the Python-thread client -------------------------------------------------------------
def thread_load(run: Run, clients: list, seconds: float) -> None:
    """Each client is ``step(session) -> (ok, [latency_ms...])``, or None when it has no
    more work; every one runs in its own thread with its own keep-alive session."""
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def loop(step) -> None:
        session = requests.Session()
        barrier.wait()
        ops = errors = 0
        latencies: list[float] = []
        while time.perf_counter() < deadline[0]:
            outcome = step(session)
            if outcome is None:
                break
            ok, times = outcome
            latencies.extend(times)
            ops += ok
            errors += not ok
        with lock:
            run.ops += ops
            run.errors += errors
            run.latencies_ms.extend(latencies)

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    barrier.wait()
    for thread in threads:
        thread.join()


def _post(session: requests.Session, url: str, body: dict | None, headers: dict) -> tuple[int, float]:
    started = time.perf_counter()
    answer = session.post(url, json=body, headers=headers, timeout=30)
    return answer.status_code, (time.perf_counter() - started) * 1000


def issuer(base: str, key: str, matters: list[str], tag: str):
    counter = iter(range(10**9))
    headers = {"X-Device-Key": key}

    def step(session):
        n = next(counter)
        status, ms = _post(session, base + "/api/v1/tickets",
                           {"matter_id": matters[n % len(matters)], "idempotency_key": f"{tag}-{n}"}, headers)
        return status == 201, [ms]

    return step


def clerk(base: str, window: str, token: str):
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}/api/v1/windows/{window}/"

    def step(session):
        times = []
        status, ms = _post(session, url + "call-next", None, headers)
        if status == 404:
            return None  # this window's queues are empty
        times.append(ms)
        ok = status == 200
        for action, body in (("start", None), ("finish", {"outcome": "completed"})):
            status, ms = _post(session, url + action, body, headers)
            times.append(ms)
            ok = ok and status == 200
        return ok, times

    return step


# --- wrk ----------------------------------------------------------------------------------
WRK_ISSUE = """
local keys = {KEYS}
local matters = {MATTERS}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  n = 0
end
function request()
  n = n + 1
  local body = string.format('{"matter_id":"%s","idempotency_key":"{TAG}%d-%d"}',
                             matters[(n % #matters) + 1], tid, n)
  return wrk.format("POST", "/api/v1/tickets", {["Content-Type"] = "application/json",
                    ["X-Device-Key"] = keys[((tid + n) % #keys) + 1]}, body)
end
"""

# One wrk thread per clerk (``-t20 -c20``): each cycles call-next, start, finish.
WRK_CLERKS = """
local clerks = {CLERKS}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("window", clerks[counter][1])
  thread:set("token", clerks[counter][2])
end
function init(args)
  n = 0
end
function request()
  local step = n % 3
  n = n + 1
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  local base = "/api/v1/windows/" .. window .. "/"
  if step == 0 then
    return wrk.format("POST", base .. "call-next", headers, "")
  elseif step == 1 then
    return wrk.format("POST", base .. "start", headers, "")
  end
  return wrk.format("POST", base .. "finish", headers, '{"outcome":"completed"}')
end
"""


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _lua_list(values) -> str:
    return "{" + ",".join(values) + "}"


def wrk_processes(jobs: list[tuple[str, str, int, int]], seconds: int) -> list[subprocess.Popen]:
    """Start one wrk per (url, script, threads, connections)."""
    folder = Path(tempfile.mkdtemp(prefix="yimen-wrk-"))
    procs = []
    for i, (url, script, threads, connections) in enumerate(jobs):
        path = folder / f"job{i}.lua"
        path.write_text(script)
        procs.append(subprocess.Popen(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(path), url],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    return procs


def wrk_load(run: Run, jobs, seconds: int, per_op: int = 1) -> None:
    outputs = [p.communicate()[0] for p in wrk_processes(jobs, seconds)]
    requests_done = failed = 0
    p50s, p99s = [], []
    for out in outputs:
        match = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
        if match is None:
            raise SystemExit(f"wrk failed:\n{out}")
        requests_done += int(match.group(1))
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        failed += int(bad.group(1)) if bad else 0
        latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
        p50s.append(_ms(latency["50"]))
        p99s.append(_ms(latency["99"]))
    run.ops = (requests_done - failed) // per_op
    run.errors = failed
    run.seconds = seconds
    run.p50_ms, run.p99_ms = max(p50s), max(p99s)  # two wrk: the worse of the two


# --- the hall's setup ----------------------------------------------------------------------
def kiosks(hub_url: str, count: int) -> list[str]:
    admin = Api(hub_url).login("admin")
    keys = []
    for i in range(count):
        answer = admin.post("/devices", {"kind": "kiosk", "name": f"bench kiosk {i + 1}"})
        answer.raise_for_status()
        keys.append(answer.json()["key"])
    return keys


def issue_matters(hub_url: str) -> list[str]:
    return [m["id"] for m in Api(hub_url).get("/center").json()["matters"]][:40]


def open_windows(hub_url: str, count: int, tag: str, any_queue: bool = False) -> list[tuple[str, str]]:
    """``count`` windows, each opened by its own new clerk: [(window id, token)]. Windows
    whose queues have tickets waiting, the fullest first; ``any_queue``: one window per
    queue in turn, whether anyone waits or not."""
    admin = Api(hub_url).login("admin")
    center = admin.get("/center").json()
    waiting = {q["id"]: q["waiting"] for q in admin.get("/queues").json()}
    if any_queue:
        rounds: dict[str, list] = {}
        for window in center["windows"]:
            rounds.setdefault(window["queue_ids"][0], []).append(window)
        free = [w for group in itertools.zip_longest(*rounds.values()) for w in group if w]
    else:
        free = [w for w in center["windows"] if any(waiting.get(q) for q in w["queue_ids"])]
        free.sort(key=lambda w: -max(waiting.get(q, 0) for q in w["queue_ids"]))
    chosen = []
    for window in free[:count]:
        username = f"bench-{tag}-{window['id']}"
        admin.post("/users", {"username": username, "password": "bench-pass", "role": "clerk"}).raise_for_status()
        token = Api(hub_url).login(username, "bench-pass").token
        Api(hub_url, token=token).post(f"/windows/{window['id']}/open").raise_for_status()
        chosen.append((window["id"], token))
    return chosen


# --- round trips ---------------------------------------------------------------------------
def read_counts(path: Path) -> dict:
    time.sleep(1.2)  # the hub rewrites the file every 0.5 s
    return json.loads(path.read_text())["by_label"]


def round_trips(path: Path, work, endpoints) -> dict:
    """``work()`` returns how many operations it did."""
    before = read_counts(path)
    ops = work()
    after = read_counts(path)
    diff = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    return {"request": sum(diff.get(e, 0) for e in endpoints) / ops,
            "background": diff.get("background", 0) / ops, "ops": ops}


def count_issue_and_clerks(db: str) -> dict:
    path = Path(tempfile.mkdtemp(prefix="yimen-trips-")) / "round-trips.json"
    with fresh_hubs(db, env={"YIMEN_COUNT_ROUND_TRIPS": str(path)}) as (hub,):
        keys, matters = kiosks(hub.url, 4), issue_matters(hub.url)
        sessions = [requests.Session() for _ in keys]

        def issue(n: int, tag: str) -> int:
            for i in range(n):
                status, _ = _post(sessions[i % len(keys)], hub.url + "/api/v1/tickets",
                                  {"matter_id": matters[i % len(matters)], "idempotency_key": f"{tag}-{i}"},
                                  {"X-Device-Key": keys[i % len(keys)]})
                assert status == 201, status
            return n

        issue(20, "warm")  # caches filled, first connections made
        issued = round_trips(path, lambda: issue(400, "rt"), [ISSUE_ENDPOINT])
        windows = open_windows(hub.url, 4, "rt")
        steps = [clerk(hub.url, w, t) for w, t in windows]
        session = requests.Session()

        def serve(n: int) -> int:
            done = 0
            while done < n and steps:
                step = steps[done % len(steps)]
                outcome = step(session)
                if outcome is None:  # its queues are empty
                    steps.remove(step)
                    continue
                assert outcome[0], outcome
                done += 1
            return done

        serve(8)
        cycles = round_trips(path, lambda: serve(100), CLERK_ENDPOINTS)
    shutil.rmtree(path.parent, ignore_errors=True)
    return {"issue": issued, "clerks": cycles}


# --- scenarios -----------------------------------------------------------------------------
def _pg_url() -> tuple[str, object]:
    reason = pg_available()
    if reason:
        raise SystemExit(reason)
    return create_pg_database()


@contextmanager
def fresh_hubs(db: str, count: int = 1, **kw):
    """``count`` hubs on a new, empty database (two or more: over Redis)."""
    var = Path(tempfile.mkdtemp(prefix="yimen-bench-"))
    url, drop = _pg_url() if db == "postgresql" else (None, None)
    hubs: list[HubProcess] = []
    try:
        env = {"YIMEN_MQ_CHANNEL": f"hub-bench-{time.time_ns()}", **kw.pop("env", {})}
        for i in range(count):
            hubs.append(HubProcess(var / f"hub{i}", db=url, message_queue=REDIS if count > 1 else None,
                                   env=env, **kw).start())
        yield hubs
    finally:
        for hub in hubs:
            hub.stop()
        if drop:
            drop()
        shutil.rmtree(var, ignore_errors=True)


def issue_runs(db: str, seconds: int, hub_count: int = 1) -> list[Run]:
    """wrk, then the Python threads, each on fresh hubs (a line that grows from empty)."""
    runs = []
    for client in ("wrk", "python"):
        with fresh_hubs(db, hub_count) as hubs:
            urls = [h.url for h in hubs]
            keys = kiosks(urls[0], CLIENTS)
            matters = issue_matters(urls[0])
            if client == "wrk":
                per_hub = CLIENTS // len(hubs)
                jobs = []
                for i, url in enumerate(urls):
                    mine = keys[i * per_hub:(i + 1) * per_hub]
                    script = (WRK_ISSUE.replace("{KEYS}", _lua_list(f'"{k}"' for k in mine))
                              .replace("{MATTERS}", _lua_list(f'"{m}"' for m in matters))
                              .replace("{TAG}", f"w{i}-"))
                    jobs.append((url, script, min(2, per_hub), per_hub))
                runs.append(measured(hubs, Run("wrk"), lambda run, jobs=jobs: wrk_load(run, jobs, seconds)))
            else:
                clients = [issuer(urls[i % len(urls)], key, matters, f"py{i}") for i, key in enumerate(keys)]
                runs.append(measured(hubs, Run("python"),
                                     lambda run, clients=clients: thread_load(run, clients, seconds)))
    return runs


WAITING_AT_START = 6000  # more than the fastest window calls in a run: none runs dry (3,000 ran dry at 600 cycles a second)


def fill_line(hub_url: str, windows: list[tuple[str, str]], total: int) -> None:
    """Issue tickets for the windows' queues until ``total`` wait in them, each queue a
    share for each of the windows that call it (a queue two windows call empties twice as
    fast: with one share each, its windows ran out before the run's end and their calls
    were counted as failures)."""
    admin = Api(hub_url).login("admin")
    center = admin.get("/center").json()
    by_id = {w["id"]: w for w in center["windows"]}
    queues = [by_id[w]["queue_ids"][0] for w, _ in windows]  # one entry per window
    matters = [next(m["id"] for m in center["matters"] if m["queue_id"] == q) for q in queues]
    queues = sorted(set(queues))
    waiting = sum(q["waiting"] for q in admin.get("/queues").json() if q["id"] in queues)
    keys = kiosks(hub_url, 4)
    need = max(0, total - waiting)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: Api(hub_url, device_key=keys[i % 4]).issue(matters[i % len(matters)]),
                      range(need)))


def settle(hub_url: str, windows: list[tuple[str, str]]) -> None:
    for window, token in windows:
        clerk_api = Api(hub_url, token=token)
        clerk_api.post(f"/windows/{window}/start")
        clerk_api.post(f"/windows/{window}/finish", {"outcome": "completed"})


def clerk_runs(db: str, seconds: int) -> list[Run]:
    half = max(2, seconds // 2)
    with fresh_hubs(db, env={"YIMEN_RATELIMIT": "0"}) as (hub,):
        # Windows spread over the demo hall's queues, each with its own clerk.
        windows = open_windows(hub.url, CLIENTS, "load", any_queue=True)
        script = WRK_CLERKS.replace("{CLERKS}", _lua_list(f'{{"{w}","{t}"}}' for w, t in windows))
        jobs = [(hub.url, script, len(windows), len(windows))]
        fill_line(hub.url, windows, WAITING_AT_START)
        wrk = measured([hub], Run("wrk"), lambda run: wrk_load(run, jobs, half, per_op=3))
        settle(hub.url, windows)  # wrk stops mid-cycle: finish what it left at the windows
        fill_line(hub.url, windows, WAITING_AT_START)
        clients = [clerk(hub.url, w, t) for w, t in windows]
        python = measured([hub], Run("python"), lambda run: thread_load(run, clients, half))
    return [wrk, python]


def one_hub(db: str, seconds: int, with_clerks: bool, with_display: bool) -> dict:
    result: dict = {"db": db}
    result["round_trips"] = count_issue_and_clerks(db)
    result["issue"] = issue_runs(db, seconds)
    if with_clerks:
        result["clerks"] = clerk_runs(db, seconds)
    if with_display:
        with fresh_hubs(db) as (hub,):
            display = asyncio.run(screens.run_hall([hub], counters=1, displays=20, phones=0, calls=200))
        result["display"] = {"p50_ms": display["display_p50"], "p99_ms": display["display_p99"]}
    return result


def two_hubs(seconds: int) -> dict:
    return {"db": "postgresql + redis, 2 hubs", "issue": issue_runs("postgresql", seconds, hub_count=2)}


# --- the report ----------------------------------------------------------------------------
def _f(value, unit="") -> str:
    return "–" if value is None else f"{value:.1f}{unit}"


def table(results: list[dict], seconds: int, command: str) -> str:
    lines = [
        f"Command: `{command}`. Hub CPU = user + system time of the hub process(es) over the "
        "measured window ÷ operations answered with success; the client runs on the same two "
        f"cores. {CLIENTS} keep-alive clients, {seconds} s per issuing run, {max(2, seconds // 2)} s "
        "per clerks run. Round trips: a separate counted run (400 tickets, 100 clerk cycles), "
        "every statement plus every BEGIN, COMMIT, ROLLBACK and ping. Idle hub CPU: the hub's "
        "CPU per second over 2 s without calls just before the run (included in the figure per op).",
        "",
        "| scenario | database | client | ops/s | hub CPU per op | p50 | p99 | failed | idle hub CPU |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for kind, label in (("issue", "issue a ticket"), ("clerks", "call-next + start + finish")):
            for run in r.get(kind, []):
                lines.append(f"| {label} | {r['db']} | {run.client} | {run.rate:.0f} | "
                             f"{run.cpu_ms_per_op:.2f} ms | {_f(run.p50_ms, ' ms')} | {_f(run.p99_ms, ' ms')} | "
                             f"{run.errors} | {run.idle_ms_per_s:.0f} ms/s |")
    trips = [r for r in results if "round_trips" in r]
    if trips:
        lines += ["", "| database | round trips per ticket issued (in the request + the hub's loops) "
                  "| per call-next + start + finish |", "|---|---:|---:|"]
        for r in trips:
            t = r["round_trips"]
            lines.append(f"| {r['db']} | {t['issue']['request']:.2f} + {t['issue']['background']:.2f} | "
                         f"{t['clerks']['request']:.2f} + {t['clerks']['background']:.2f} |")
    displays = [r for r in results if "display" in r]
    if displays:
        lines += ["", "20 displays (Socket.IO clients), one counter calling 200 tickets:", "",
                  "| database | call→display p50 | call→display p99 |", "|---|---:|---:|"]
        for r in displays:
            lines.append(f"| {r['db']} | {r['display']['p50_ms']:.1f} ms | {r['display']['p99_ms']:.1f} ms |")
    return "\n".join(lines)


SCENARIOS = ("issue-sqlite", "issue-postgresql", "clerks-sqlite", "clerks-postgresql", "two-hubs", "display")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=",".join(SCENARIOS),
                        help=f"comma-separated, of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="write the tables to docs/benchmarks.md")
    args = parser.parse_args()
    wanted = set(args.scenario.split(","))
    if wanted - set(SCENARIOS):
        raise SystemExit(f"unknown scenario: {', '.join(sorted(wanted - set(SCENARIOS)))}")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: scripts/system-packages.sh bench (or apt-get install wrk)")
    results = []
    for db in ("sqlite", "postgresql"):
        if {f"issue-{db}", f"clerks-{db}"} & wanted or (db == "sqlite" and "display" in wanted):
            results.append(one_hub(db, args.seconds, f"clerks-{db}" in wanted, "display" in wanted))
    if "two-hubs" in wanted:
        results.append(two_hubs(args.seconds))
    command = "python -m bench.hub_bench" + (f" --scenario {args.scenario}" if wanted != set(SCENARIOS) else "") + (
        f" --seconds {args.seconds}" if args.seconds != 10 else "") + " --write"
    markdown = table(results, args.seconds, command)
    print(markdown)
    if args.write:
        write_section("hub", markdown)


if __name__ == "__main__":
    main()

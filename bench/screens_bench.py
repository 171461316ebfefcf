"""A full hall of screens: the delay from call-next to the display's and the phone's event,
and the hub's CPU and memory for it.

    python -m bench.screens_bench [--hubs 1|2] [--counters 72] [--displays 20] [--phones 2000]
                                  [--calls 300] [--phone-procs 2] [--profile FILE] [--port N] [--write]
    python -m bench.screens_bench --fanout 2000 [--rounds 20] [--profile FILE] [--write]

**The hall** (default): starts a real hub (SQLite), or with ``--hubs 2`` two hubs on
PostgreSQL with Redis between them (Flask-SocketIO's message queue and the hubs' own dirty
bus, as docs/deploy.md runs several hubs). Beyond the demo hall's 72 windows the center
file gets copies of them (``--counters 144``: windows 73–144 serve the same queues). Every
window is opened by its own clerk, one ticket is issued per phone, then the counters
(/counter), hall displays (/display) and visitors' phones (/ticket) connect as real
Socket.IO clients (python-socketio's asyncio client, websocket transport), spread
round-robin over the hubs, and counters call tickets, each call-next sent to the hub its
counter is connected to. For each call it records when every display received
``ticket_called`` and when the called visitor's phone received ``ticket_changed`` with
status ``called``, measured from the moment the request was sent; with two hubs half of
those arrive through Redis. It also reads each hub's RSS before and after the phones
connect (memory per phone) and its CPU time (user + system, ``/proc/<pid>/stat``) over the
calls; ``--profile FILE`` records each hub with py-spy over the calls (``FILE.hub1``, ...).
``--port N``: the hubs listen on N, N + 1 (default: free ports).

**The fan-out** (``--fanout N``): one hub (PostgreSQL unless ``--db sqlite``), N visitors
waiting in one queue with their phones connected, one window calling: every call moves
all N up one place, so the flush after it sends each phone its ``ticket_changed``. The hub's
CPU per call is measured with the phones connected and again with none; the difference is
the fan-out's cost. ``--profile FILE`` records the hub with py-spy meanwhile (needs root).

Needs ``aiohttp`` (pip install -e .[bench]).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import aiohttp
import socketio

from bench.common import HubProcess, create_pg_database, percentile, write_section

REDIS_URL = "redis://127.0.0.1:6379/0"
DEMO = Path(__file__).resolve().parent.parent / "server" / "centers" / "haibei.yaml"
TICK_S = 1 / os.sysconf("SC_CLK_TCK")


# --- the hub process, seen from outside --------------------------------------------------
def cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_S


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def center_file(folder: Path, windows: int) -> str | None:
    """The demo hall, with copies of its windows beyond 72 (same queues, numbers 73...)."""
    text = DEMO.read_text(encoding="utf-8")
    originals = re.findall(r"^  - \{id: w\d+, .*\}$", text, re.M)
    if windows <= len(originals):
        return None
    extra = []
    for n in range(len(originals) + 1, windows + 1):
        line = originals[(n - 1) % len(originals)]
        line = re.sub(r"id: w\d+", f"id: w{n:03d}", line)
        line = re.sub(r"number: \d+", f"number: {n}", line)
        line = re.sub(r"name: \d+号窗口", f"name: {n}号窗口", line)
        extra.append(re.sub(r"name_en: Window \d+", f"name_en: Window {n}", line))
    text = text.replace(originals[-1], "\n".join([originals[-1], *extra]), 1)
    path = folder / "big-hall.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def start_hubs(folder: Path, hubs: int, db: str, windows: int,
               port: int | None = None) -> tuple[list[HubProcess], callable]:
    env = {"YIMEN_RATELIMIT": "0", "YIMEN_LOG_LEVEL": "WARNING"}
    center = center_file(folder, windows)
    drop = None
    url = None
    if hubs > 1 or db == "postgresql":
        url, drop = create_pg_database()
    queue = None
    if hubs > 1:
        queue = REDIS_URL
        env["YIMEN_MQ_CHANNEL"] = f"screens-{time.time_ns()}"
    started = []
    try:
        for i in range(hubs):
            started.append(HubProcess(folder / f"hub{i}", db=url, message_queue=queue, center=center,
                                      env=env, port=port + i if port else None).start(timeout=60))
    except Exception:
        for hub in started:
            hub.stop()
        if drop:
            drop()
        raise
    return started, drop


# --- the clients --------------------------------------------------------------------------
class Hall:
    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.http: aiohttp.ClientSession | None = None
        self.sent: dict[str, float] = {}  # number → perf_counter when call-next was sent
        # Arrival times are kept by number and matched to the send time afterwards: an
        # event may well arrive before the call-next answer does.
        self.display_arrivals: dict[str, list[float]] = defaultdict(list)
        self.phone_arrivals: dict[str, float] = {}
        self.phone_numbers: set[str] = set()
        self.phone_last: dict[str, dict] = {}  # number → the last ticket_changed it received
        self.phone_messages = 0
        self.phone_counts: dict[str, int] = defaultdict(int)
        self.measured_messages = 0
        self.last_phone_message = 0.0
        self.arrived = asyncio.Event()
        self.clients: list[socketio.AsyncClient] = []
        self.retries = 0

    async def post(self, path: str, json=None, token=None, key=None, hub: int = 0):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["X-Device-Key"] = key
        async with self.http.post(f"{self.urls[hub]}/api/v1{path}", json=json, headers=headers) as response:
            return response.status, await response.json()

    async def connect(self, namespace: str, auth: dict, handlers: dict, hub: int = 0) -> socketio.AsyncClient:
        for attempt in range(5):  # a hub busy with a burst of handshakes may drop one
            client = socketio.AsyncClient(reconnection=False)
            for event, handler in handlers.items():
                client.on(event, handler, namespace=namespace)
            try:
                await client.connect(self.urls[hub], namespaces=[namespace], auth=auth,
                                     transports=["websocket"], wait_timeout=60)
            except socketio.exceptions.ConnectionError:
                if attempt == 4:
                    raise
                self.retries += 1
                await asyncio.sleep(0.5 * (attempt + 1))
                continue
            self.clients.append(client)
            return client

    async def connect_many(self, jobs: list, batch: int = 100) -> None:
        for i in range(0, len(jobs), batch):
            await asyncio.gather(*(self.connect(*job) for job in jobs[i:i + batch]))

    async def disconnect_all(self) -> None:
        for i in range(0, len(self.clients), 200):
            await asyncio.gather(*(c.disconnect() for c in self.clients[i:i + 200]))
        self.clients = []

    def on_display_call(self, call) -> None:
        if not call["recall"]:
            self.display_arrivals[call["number"]].append(time.perf_counter())
            self.arrived.set()

    def phone_handler(self, number: str):
        self.phone_numbers.add(number)

        def on_change(ticket) -> None:
            self.phone_last[number] = ticket
            self.phone_messages += 1
            self.phone_counts[number] += 1
            self.last_phone_message = time.perf_counter()
            if ticket["status"] == "called" and number not in self.phone_arrivals:
                self.phone_arrivals[number] = time.perf_counter()
            self.arrived.set()
        return on_change

    async def until(self, condition, timeout: float = 10.0) -> bool:
        """Wait (event-driven) until ``condition()`` holds; False after ``timeout``."""
        deadline = time.perf_counter() + timeout
        while not condition():
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), min(left, 0.05))
            except TimeoutError:
                pass
        return True

    def delays(self) -> tuple[list[float], list[float]]:
        display = [(at - self.sent[n]) * 1000 for n, times in self.display_arrivals.items()
                   if n in self.sent for at in times]
        phone = [(at - self.sent[n]) * 1000 for n, at in self.phone_arrivals.items() if n in self.sent]
        return display, phone


async def staff_windows(hall: Hall, windows: list[str]) -> dict[str, str]:
    """A clerk per window, each window opened: window → the clerk's token."""
    _, login = await hall.post("/auth/login", {"username": "admin", "password": "yimen-demo"})
    admin = login["token"]

    async def one(i: int, window: str) -> tuple[str, str]:
        username = f"bench-clerk-{i}"
        await hall.post("/users", {"username": username, "password": "bench-pass", "role": "clerk"}, admin)
        _, login = await hall.post("/auth/login", {"username": username, "password": "bench-pass"})
        await hall.post(f"/windows/{window}/open", token=login["token"])
        return window, login["token"]

    clerks = {}
    for i in range(0, len(windows), 20):
        clerks.update(await asyncio.gather(*(one(i + j, w) for j, w in enumerate(windows[i:i + 20]))))
    return clerks


async def issue_many(hall: Hall, matters: list[str], count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    chosen = [rng.choice(matters) for _ in range(count)]
    tickets = []
    for i in range(0, count, 10):  # ten kiosks at a time, in order
        answers = await asyncio.gather(*(hall.post("/tickets", {"matter_id": m}, key="demo-kiosk-1")
                                         for m in chosen[i:i + 10]))
        tickets.extend(ticket for _, ticket in answers)
    return tickets


def http_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))


def phone_worker(urls: list[str], phones: list[tuple[str, str, int]], pipe) -> None:
    """A process of phones: connect them all, say ``ready``, and on ``stop`` send back
    when each heard that its ticket was called."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    async def main() -> dict:
        hall = Hall(urls)
        await hall.connect_many([("/ticket", {"token": token}, {"ticket_changed": hall.phone_handler(number)}, hub)
                                 for token, number, hub in phones], batch=20)
        if hall.retries:
            print(f"phones: {hall.retries} connects retried", flush=True)
        await hall.until(lambda: len(hall.phone_last) >= len(phones), 60)  # every snapshot in
        pipe.send("ready")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, pipe.recv)
        await hall.disconnect_all()
        return hall.phone_arrivals

    pipe.send(asyncio.run(main()))


async def run_hall(hubs: list[HubProcess], counters: int, displays: int, phones: int, calls: int,
                   phone_procs: int = 2, profile: str | None = None) -> dict:
    hall = Hall([h.url for h in hubs])
    n = len(hubs)
    async with http_session() as http:
        hall.http = http
        async with http.get(f"{hall.urls[0]}/api/v1/center") as response:
            center = await response.json()
        windows = [w["id"] for w in center["windows"]][:counters]
        clerks = await staff_windows(hall, windows)
        queue_windows = {q["id"]: q["window_ids"] for q in center["queues"]}
        matters = [m["id"] for m in center["matters"]
                   if any(w in clerks for w in queue_windows[m["queue_id"]])]
        tickets = await issue_many(hall, matters, max(phones, calls))
        hub_of = {w: i % n for i, w in enumerate(windows)}  # a counter's hub, where it calls

        start = time.perf_counter()
        await hall.connect_many([("/display", {}, {"ticket_called": hall.on_display_call}, i % n)
                                 for i in range(displays)])
        await hall.connect_many([("/counter", {"token": token, "window_id": w}, {}, hub_of[w])
                                 for w, token in clerks.items()])
        screens_s = time.perf_counter() - start
        rss_before = [rss_mb(h.proc.pid) for h in hubs]
        # The phones live in their own processes (``phone_procs``), so that a fan-out of
        # hundreds of ``ticket_changed`` to them never delays the displays' events here.
        # perf_counter is CLOCK_MONOTONIC: the same clock in every process.
        start = time.perf_counter()
        context = multiprocessing.get_context("spawn")
        workers = []
        for k in range(phone_procs):
            mine = [(t["token"], t["number"], i % n) for i, t in enumerate(tickets[:phones]) if i % phone_procs == k]
            parent, child = context.Pipe()
            process = context.Process(target=phone_worker, args=(hall.urls, mine, child), daemon=True)
            process.start()
            workers.append((process, parent))
        deadline = time.monotonic() + 600
        loop = asyncio.get_running_loop()
        for process, parent in workers:
            # Waited for off the loop: the displays and counters here must keep answering pings.
            while not await loop.run_in_executor(None, parent.poll, 1):
                if not process.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("a phone process did not connect its phones")
            if parent.recv() != "ready":
                raise RuntimeError("a phone process did not connect its phones")
        phones_s = time.perf_counter() - start
        hall.phone_numbers.update(t["number"] for t in tickets[:phones])
        await asyncio.sleep(2)  # the connect bursts' garbage settles before RSS is read
        rss_after = [rss_mb(h.proc.pid) for h in hubs]

        rng = random.Random(11)
        made = 0
        busy: set[str] = set()
        idle = [await idle_rate(h) for h in hubs]
        spies = [start_spy(h, f"{profile}.hub{i + 1}") for i, h in enumerate(hubs)] if profile else []
        if spies:
            await asyncio.sleep(1)
        cpu_start = [cpu_s(h.proc.pid) for h in hubs]
        wall_start = time.perf_counter()
        while made < calls:
            window = rng.choice(windows)
            if window in busy:
                continue
            sent = time.perf_counter()
            status, ticket = await hall.post(f"/windows/{window}/call-next", token=clerks[window],
                                             hub=hub_of[window])
            if status == 404:
                busy.add(window)  # its queues are empty
                if len(busy) == len(windows):
                    break
                continue
            hall.sent[ticket["number"]] = sent
            await hall.until(lambda number=ticket["number"]: len(hall.display_arrivals[number]) >= displays)
            await hall.post(f"/windows/{window}/finish", {"outcome": "completed"}, clerks[window],
                            hub=hub_of[window])
            made += 1
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # the last flush
        wall = time.perf_counter() - wall_start
        cpu_used = [cpu_s(h.proc.pid) - c - rate * wall for h, c, rate in zip(hubs, cpu_start, idle, strict=True)]
        for spy in spies:
            spy.send_signal(2)
            spy.wait(30)
        clients = len(hall.clients) + phones
        for _, parent in workers:
            parent.send("stop")
        for process, parent in workers:
            hall.phone_arrivals.update(parent.recv())
            process.join(60)
        await hall.disconnect_all()
    display_delays, phone_delays = hall.delays()
    return {
        "clients": clients, "screens_s": screens_s, "phones_s": phones_s, "calls": made,
        "display_p50": percentile(display_delays, 50), "display_p99": percentile(display_delays, 99),
        "phone_p50": percentile(phone_delays, 50), "phone_p99": percentile(phone_delays, 99),
        "display_samples": len(display_delays), "phone_samples": len(phone_delays),
        "rss_before": rss_before, "rss_after": rss_after, "cpu": cpu_used, "wall": wall, "idle": idle,
        "phones_per_hub": [len(range(i, phones, n)) for i in range(n)],
    }


def hall_markdown(args, result: dict) -> str:
    n = args.hubs
    calls = max(result["calls"], 1)
    setup = ("Two hubs (gevent) on PostgreSQL, Redis between them (Flask-SocketIO's message queue "
             "and the dirty bus)" if n > 1 else f"One hub ({args.db}, gevent)")
    per_hub = []
    for i in range(n):
        phones = result["phones_per_hub"][i]
        grown = result["rss_after"][i] - result["rss_before"][i]
        per_hub.append(f"| hub {i + 1} | {phones} | {result['rss_before'][i]:.0f} MB | "
                       f"{result['rss_after'][i]:.0f} MB | {grown * 1024 / max(phones, 1):.0f} KB | "
                       f"{result['cpu'][i] * 1000 / calls:.1f} ms |")
    total_cpu = sum(result["cpu"])
    command = (f"python -m bench.screens_bench --hubs {n} --counters {args.counters} --displays {args.displays} "
               f"--phones {args.phones} --calls {args.calls} --phone-procs {args.phone_procs} --write")
    return "\n".join([
        f"Command: `{command}`. {setup}; {result['clients']} Socket.IO clients on websockets "
        f"(python-socketio's asyncio client; counters and displays in one process, the phones in "
        f"{args.phone_procs} more) on the same two cores, spread round-robin over the hubs; one clerk per window, "
        "each call-next sent to the hub its counter is on; delays measured from sending `call-next` to "
        "the event's arrival at every display and at the called visitor's phone. "
        "The load generator shares the hubs' two cores: latencies include its cost, CPU per call does not.",
        "",
        "| clients connected | connect: screens / phones | calls | display p50 | display p99 "
        "| phone p50 | phone p99 | hub CPU per call (all hubs) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result['clients']} | {result['screens_s']:.1f} s / {result['phones_s']:.1f} s | {result['calls']} "
        f"| {result['display_p50']:.1f} ms | {result['display_p99']:.1f} ms | {result['phone_p50']:.1f} ms "
        f"| {result['phone_p99']:.1f} ms | {total_cpu * 1000 / calls:.1f} ms |",
        "",
        "A call here is call-next + finish, with every `ticket_called`, `ticket_changed`, `window_state`, "
        "`window_panel` and `queues_changed` they cause; CPU is user + system time of the hub process "
        f"over the {result['wall']:.0f} s of calls less its idle rate measured just before with every client "
        f"connected ({', '.join(f'{r * 100:.0f} %' for r in result['idle'])} of a core: pings, the "
        "dashboard, the background loops).",
        "",
        "| hub | phones on it | RSS before phones | RSS with phones | memory per phone | CPU per call |",
        "|---|---:|---:|---:|---:|---:|",
        *per_hub,
    ])


# --- the fan-out --------------------------------------------------------------------------
FANOUT_QUEUE = "police"


async def fanout_rounds(hall: Hall, hub: HubProcess, clerk: str, window: str, rounds: int,
                        phones: int, display_calls: list) -> list[float]:
    """``rounds`` calls; the hub's CPU for each (call-next and everything it causes), idle
    work subtracted. With phones, a round ends when every phone has its new place."""
    idle = await idle_rate(hub)
    costs = []
    hall.measured_messages = 0
    for _ in range(rounds):
        expected = {n: t["ahead"] - 1 for n, t in hall.phone_last.items()}
        heard = len(display_calls)
        messages0 = hall.phone_messages
        cpu0, t0 = cpu_s(hub.proc.pid), time.perf_counter()
        status, _ = await hall.post(f"/windows/{window}/call-next", token=clerk)
        assert status == 200, status
        if phones:
            done = await hall.until(lambda expected=expected: all(
                hall.phone_last[n]["ahead"] == a for n, a in expected.items()), 20)
            if not done:
                wrong = [(n, hall.phone_last[n]["ahead"], a) for n, a in expected.items()
                         if hall.phone_last[n]["ahead"] != a]
                raise RuntimeError(f"{len(wrong)} phones did not hear of their new place: {wrong[:5]}")
        else:
            await hall.until(lambda heard=heard: len(display_calls) > heard, 10)
            await asyncio.sleep(0.3)  # the flush after the call (nobody to send it to)
        costs.append(cpu_s(hub.proc.pid) - cpu0 - idle * (time.perf_counter() - t0))
        hall.measured_messages += hall.phone_messages - messages0
        before = dict(hall.phone_counts)
        await hall.post(f"/windows/{window}/finish", {"outcome": "completed"}, clerk)
        # The finish's own refresh, outside the measured window: until every phone has it,
        # or (if the hub found nothing new to tell them) a second of quiet.
        await asyncio.sleep(0.15)
        await hall.until(lambda before=before: all(hall.phone_counts[n] > c for n, c in before.items())
                         or time.perf_counter() - hall.last_phone_message > 1.0, 10)
        await asyncio.sleep(0.1)
    return costs


def start_spy(hub: HubProcess, output: str) -> subprocess.Popen:
    """py-spy recording the hub's raw stacks into ``output`` until sent SIGINT."""
    return subprocess.Popen([shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy"), "record",
                             "--pid", str(hub.proc.pid), "--rate", "250", "--format", "raw",
                             "--output", output, "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def idle_rate(hub: HubProcess, seconds: float = 3.0) -> float:
    cpu0, t0 = cpu_s(hub.proc.pid), time.perf_counter()
    await asyncio.sleep(seconds)
    return (cpu_s(hub.proc.pid) - cpu0) / (time.perf_counter() - t0)


async def run_fanout(hub: HubProcess, phones: int, rounds: int, profile: str | None) -> dict:
    hall = Hall([hub.url])
    async with http_session() as http:
        hall.http = http
        async with http.get(f"{hub.url}/api/v1/center") as response:
            center = await response.json()
        window = next(q["window_ids"][0] for q in center["queues"] if q["id"] == FANOUT_QUEUE)
        clerk = (await staff_windows(hall, [window]))[window]
        matter = next(m["id"] for m in center["matters"] if m["queue_id"] == FANOUT_QUEUE)
        tickets = await issue_many(hall, [matter], phones + 2 * rounds + 1)
        tickets.sort(key=lambda t: t["id"])  # issued ten at a time: in the order they were numbered
        display_calls: list = []
        await hall.connect("/display", {}, {"ticket_called": lambda call: (display_calls.append(call),
                                                                           hall.arrived.set())})
        # The phones follow the tickets called last, so every call moves all of them up.
        start = time.perf_counter()
        await hall.connect_many([("/ticket", {"token": t["token"]},
                                  {"ticket_changed": hall.phone_handler(t["number"])}, 0)
                                 for t in tickets[-phones:]])
        connect_s = time.perf_counter() - start
        await hall.until(lambda: len(hall.phone_last) >= phones, 30)
        await hall.until(lambda: time.perf_counter() - hall.last_phone_message > 0.5, 10)
        spy = None
        if profile:
            spy = start_spy(hub, profile)
            await asyncio.sleep(1)
        with_phones = await fanout_rounds(hall, hub, clerk, window, rounds, phones, display_calls)
        messages = hall.measured_messages
        if spy:
            spy.send_signal(2)
            spy.wait(30)
        for client in hall.clients[1:]:
            await client.disconnect()
        hall.phone_last.clear()
        hall.phone_counts.clear()
        await asyncio.sleep(1)
        without = await fanout_rounds(hall, hub, clerk, window, rounds, 0, display_calls)
        await hall.disconnect_all()
    a, b = sorted(with_phones), sorted(without)
    return {"connect_s": connect_s, "with": percentile(a, 50), "without": percentile(b, 50),
            "with_mean": sum(a) / len(a), "without_mean": sum(b) / len(b), "messages": messages}


def fanout_markdown(args, result: dict) -> str:
    fan = result["with"] - result["without"]
    command = f"python -m bench.screens_bench --fanout {args.fanout} --rounds {args.rounds} --db {args.db} --write"
    return "\n".join([
        f"Command: `{command}`. One hub ({args.db}, gevent); {args.fanout} visitors waiting in one queue "
        f"with their phones connected (real Socket.IO clients, connected in {result['connect_s']:.1f} s), one "
        "window calling: each call moves every one of them up a place, so the flush after it sends "
        f"{args.fanout} different `ticket_changed` (each phone its own place and wait). "
        f"{args.rounds} calls with the phones and {args.rounds} without; the hub's own CPU time "
        "(user + system) per call, its idle work subtracted, median.",
        "",
        "| per call | hub CPU |",
        "|---|---:|",
        f"| call-next, {args.fanout} phones connected | {result['with'] * 1000:.1f} ms |",
        f"| call-next, no phone connected | {result['without'] * 1000:.1f} ms |",
        f"| **the fan-out to {args.fanout} phones** (the difference) | **{fan * 1000:.1f} ms** |",
        "",
        f"{result['messages']} `ticket_changed` reached the phones within the {args.rounds} measured calls "
        f"(means: {result['with_mean'] * 1000:.1f} ms with, {result['without_mean'] * 1000:.1f} ms without).",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hubs", type=int, default=1, choices=(1, 2),
                        help="2: two hubs on PostgreSQL with Redis between them")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default=None,
                        help="one hub's database (default sqlite; postgresql for --fanout and two hubs)")
    parser.add_argument("--counters", type=int, default=72)
    parser.add_argument("--displays", type=int, default=20)
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--phone-procs", type=int, default=2, help="processes holding the phones")
    parser.add_argument("--fanout", type=int, default=0, help="measure one fan-out to this many phones")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile",
                        help="py-spy's raw stacks of the hub to this file (the hall: FILE.hub1, FILE.hub2)")
    parser.add_argument("--port", type=int, default=None,
                        help="the first hub's port (the next hub the next one); default: free ports")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.db is None:
        args.db = "postgresql" if args.fanout or args.hubs > 1 else "sqlite"
    if args.hubs > 1:
        args.db = "postgresql"
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))  # the hubs inherit it
    var = Path(tempfile.mkdtemp(prefix="yimen-screens-"))
    hubs, drop = start_hubs(var, 1 if args.fanout else args.hubs, args.db, args.counters, args.port)
    try:
        if args.fanout:
            result = asyncio.run(run_fanout(hubs[0], args.fanout, args.rounds, args.profile))
            name, markdown = "screens-fanout", fanout_markdown(args, result)
        else:
            result = asyncio.run(run_hall(hubs, args.counters, args.displays, args.phones, args.calls,
                                          args.phone_procs, args.profile))
            name = "screens" if args.hubs == 1 else "screens-two-hubs"
            markdown = hall_markdown(args, result)
    finally:
        for hub in hubs:
            hub.stop()
        if drop:
            drop()
        shutil.rmtree(var, ignore_errors=True)
    print(markdown)
    if args.write:
        write_section(name, markdown)


if __name__ == "__main__":
    main()

"""A full hall of screens: the delay from call-next to the display's and the phone's event.

    python -m bench.screens_bench [--counters 72] [--displays 20] [--phones 2000] [--calls 300] [--write]

Starts a real hub (SQLite), opens every window with its own clerk, issues one ticket
per phone, then connects 72 counters (/counter), 20 hall displays (/display) and 2,000
visitors' phones (/ticket) as real Socket.IO clients (python-socketio's asyncio client,
websocket transport). Counters then call tickets; for each call it records when the
display received ``ticket_called`` and when the called visitor's phone received
``ticket_changed`` with status ``called``, measured from the moment the request was sent.
Needs ``aiohttp`` (pip install -e .[bench]).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import aiohttp
import socketio

from bench.common import HubProcess, percentile, write_section


class Hall:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http: aiohttp.ClientSession | None = None
        self.sent: dict[str, float] = {}  # number → perf_counter when call-next was sent
        # Arrival times are kept by number and matched to the send time afterwards: an
        # event may well arrive before the call-next answer does.
        self.display_arrivals: dict[str, list[float]] = defaultdict(list)
        self.phone_arrivals: dict[str, float] = {}
        self.phone_numbers: set[str] = set()
        self.arrived = asyncio.Event()
        self.clients: list[socketio.AsyncClient] = []

    async def post(self, path: str, json=None, token=None, key=None):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["X-Device-Key"] = key
        async with self.http.post(f"{self.url}/api/v1{path}", json=json, headers=headers) as response:
            return response.status, await response.json()

    async def connect(self, namespace: str, auth: dict, handlers: dict) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)
        for event, handler in handlers.items():
            client.on(event, handler, namespace=namespace)
        await client.connect(self.url, namespaces=[namespace], auth=auth, transports=["websocket"],
                             wait_timeout=30)
        self.clients.append(client)
        return client

    def on_display_call(self, call) -> None:
        if not call["recall"]:
            self.display_arrivals[call["number"]].append(time.perf_counter())
            self.arrived.set()

    def phone_handler(self, number: str):
        self.phone_numbers.add(number)

        def on_change(ticket) -> None:
            if ticket["status"] == "called" and number not in self.phone_arrivals:
                self.phone_arrivals[number] = time.perf_counter()
                self.arrived.set()
        return on_change

    async def wait_for_call(self, number: str, displays: int, timeout: float = 10.0) -> None:
        """Until every display and the ticket's phone (if any) heard of the call."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if len(self.display_arrivals[number]) >= displays and (
                    number not in self.phone_numbers or number in self.phone_arrivals):
                return
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), max(0.0, deadline - time.perf_counter()))
            except TimeoutError:
                return

    def delays(self) -> tuple[list[float], list[float]]:
        display = [(at - self.sent[n]) * 1000 for n, times in self.display_arrivals.items()
                   if n in self.sent for at in times]
        phone = [(at - self.sent[n]) * 1000 for n, at in self.phone_arrivals.items() if n in self.sent]
        return display, phone


async def run(url: str, counters: int, displays: int, phones: int, calls: int,
              tickets: int | None = None) -> dict:
    """Issue ``tickets`` (default: one per phone, at least one per call), connect the
    clients (phones follow the first ``phones`` tickets), then make ``calls`` calls."""
    hall = Hall(url)
    tickets_wanted = tickets if tickets is not None else max(phones, calls)
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as http:
        hall.http = http
        _, login = await hall.post("/auth/login", {"username": "admin", "password": "yimen-demo"})
        admin = login["token"]
        async with http.get(f"{url}/api/v1/center") as response:
            center = await response.json()
        windows = [w["id"] for w in center["windows"]][:counters]
        clerks = {}
        for i, window in enumerate(windows):
            username = f"bench-clerk-{i}"
            await hall.post("/users", {"username": username, "password": "bench-pass", "role": "clerk"}, admin)
            _, login = await hall.post("/auth/login", {"username": username, "password": "bench-pass"})
            clerks[window] = login["token"]
            await hall.post(f"/windows/{window}/open", token=clerks[window])
        queue_windows = {q["id"]: q["window_ids"] for q in center["queues"]}
        matters = [m for m in center["matters"] if any(w in clerks for w in queue_windows[m["queue_id"]])]
        rng = random.Random(7)
        tickets = []
        for _ in range(tickets_wanted):
            matter = rng.choice(matters)
            _, ticket = await hall.post("/tickets", {"matter_id": matter["id"]}, key="demo-kiosk-1")
            tickets.append(ticket)

        start = time.perf_counter()
        for _ in range(displays):
            await hall.connect("/display", {}, {"ticket_called": hall.on_display_call})
        for window, token in clerks.items():
            await hall.connect("/counter", {"token": token, "window_id": window}, {})
        batch = []
        for ticket in tickets[:phones]:
            batch.append(hall.connect("/ticket", {"token": ticket["token"]},
                                      {"ticket_changed": hall.phone_handler(ticket["number"])}))
            if len(batch) == 100:
                await asyncio.gather(*batch)
                batch = []
        await asyncio.gather(*batch)
        connect_s = time.perf_counter() - start

        made = 0
        busy: set[str] = set()
        while made < calls:
            window = rng.choice(windows)
            if window in busy:
                continue
            sent = time.perf_counter()
            status, ticket = await hall.post(f"/windows/{window}/call-next", token=clerks[window])
            if status == 404:
                busy.add(window)  # its queues are empty
                if len(busy) == len(windows):
                    break
                continue
            hall.sent[ticket["number"]] = sent
            await hall.wait_for_call(ticket["number"], displays)
            await hall.post(f"/windows/{window}/finish", {"outcome": "completed"}, clerks[window])
            made += 1
            await asyncio.sleep(0.02)
        await asyncio.sleep(1)
        for client in hall.clients:
            await client.disconnect()
    display_delays, phone_delays = hall.delays()
    return {
        "clients": len(hall.clients), "connect_s": connect_s, "calls": made,
        "display_p50": percentile(display_delays, 50), "display_p99": percentile(display_delays, 99),
        "phone_p50": percentile(phone_delays, 50), "phone_p99": percentile(phone_delays, 99),
        "display_samples": len(display_delays), "phone_samples": len(phone_delays),
    }


def hub_rss_mb(hub: HubProcess) -> float:
    try:
        for line in Path(f"/proc/{hub.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counters", type=int, default=72)
    parser.add_argument("--displays", type=int, default=20)
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    var = Path(tempfile.mkdtemp(prefix="yimen-screens-"))
    hub = HubProcess(var).start()
    try:
        result = asyncio.run(run(hub.url, args.counters, args.displays, args.phones, args.calls))
        rss = hub_rss_mb(hub)
    finally:
        hub.stop()
        shutil.rmtree(var, ignore_errors=True)
    markdown = "\n".join([
        f"Command: `python -m bench.screens_bench --counters {args.counters} --displays {args.displays} "
        f"--phones {args.phones} --calls {args.calls} --write`. One hub (SQLite, gevent); "
        f"{result['clients']} Socket.IO clients on websockets in one asyncio process; one clerk per window; "
        "delays measured from sending `call-next` to the event's arrival at every display and at the called visitor's phone.",
        "",
        "| clients connected | connect time | calls | display p50 | display p99 | phone p50 | phone p99 | hub RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result['clients']} | {result['connect_s']:.1f} s | {result['calls']} | {result['display_p50']:.1f} ms "
        f"| {result['display_p99']:.1f} ms | {result['phone_p50']:.1f} ms | {result['phone_p99']:.1f} ms "
        f"| {rss:.0f} MB |",
    ])
    print(markdown)
    if args.write:
        write_section("screens", markdown)


if __name__ == "__main__":
    main()

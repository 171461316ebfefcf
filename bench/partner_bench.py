"""Webhook benchmark: throughput and change → delivered delay, the backlog after an outage.

    python -m bench.partner_bench [--db sqlite|postgresql] [--tickets 300] [--write]

Starts a real hub process and the partner simulator (``bench/partner_sim.py``) answering
every webhook in 50 ms, registers a partner and, through signed requests:

1. Paced: issues tickets at 10 per second; per webhook, the delay from sending the
   signed ``POST /tickets`` (just before the change commits) to the simulator's receipt.
2. Burst: issues ``--tickets`` tickets from 8 threads as fast as the hub takes them; the
   webhook throughput from the first receipt to the last.
3. Outage: the simulator fails every webhook while ``--tickets`` tickets are issued, then
   recovers; the time from recovery until the backlog is delivered. The hub runs with a
   short backoff (0.5 s doubling, at most 2 s); with the production settings the first
   row whose backoff ends after recovery succeeds and makes the rest due at once.

``--write`` puts the table into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import HubProcess, create_pg_database, percentile, write_section
from bench.hub_bench import cpu_seconds
from bench.partner_sim import Behaviour, PartnerSimulator
from tests.support.api import Api
from tests.support.partner import PartnerClient

# Rate limits off: a signed partner is counted by its address (120 writes a minute), and a
# burst of hundreds from one address is not what this measures.
ENV = {"YIMEN_RATELIMIT": "0", "YIMEN_SECRET_KEY": "bench", "YIMEN_PARTNER_RETRY_BASE_S": "0.5", "YIMEN_PARTNER_RETRY_MAX_S": "2",
       "YIMEN_PARTNER_POLL_S": "0.2"}


def wait(predicate, timeout_s: float) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout_s:
            raise TimeoutError("the backlog did not drain")
        time.sleep(0.02)
    return time.monotonic() - started


def run(db: str, tickets: int) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="partner-bench-"))
    url, drop = (None, None) if db == "sqlite" else create_pg_database()
    hub = HubProcess(folder, db=url, env=dict(ENV)).start()
    sim = PartnerSimulator(behaviour=Behaviour(delay_s=0.05)).start()
    try:
        created = Api(hub.url).login("admin").post(
            "/devices", {"kind": "partner", "name": "bench", "webhook_url": sim.url}).json()
        sim.key, sim.secrets = created["key"], [created["secret"]]
        partner = PartnerClient(hub.url, created["key"], created["secret"])

        issued = {}
        for _ in range(100):
            sent = time.time()
            issued[partner.issue("hukou-move-in")["id"]] = sent
            time.sleep(0.1)
        wait(lambda: len(sim.accepted()) >= 100, 60)
        delays = [(r.at - issued[r.body["data"]["ticket"]["id"]]) * 1000 for r in sim.accepted()]

        sim.received.clear()
        started = time.time()
        cpu_before = cpu_seconds(hub.proc.pid)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: partner.issue("hukou-move-in"), range(tickets)))
        issue_rate = tickets / (time.time() - started)
        wait(lambda: len(sim.accepted()) >= tickets, 300)
        cpu_ms = (cpu_seconds(hub.proc.pid) - cpu_before) * 1000 / tickets
        times = sorted(r.at for r in sim.accepted())
        burst_rate = (len(times) - 1) / (times[-1] - times[0])

        sim.received.clear()
        sim.behaviour.fail, sim.behaviour.status = 10**9, 503
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: partner.issue("hukou-move-in"), range(tickets)))
        time.sleep(3)
        failed = len(sim.received)
        sim.behaviour.fail = 0
        drain_s = wait(lambda: len(sim.accepted()) >= tickets, 600)
    finally:
        sim.stop()
        hub.stop()
        if drop:
            drop()
    return [
        f"| {db} | paced 10/s, 100 webhooks: delay p50 {percentile(delays, 50):.0f} ms, "
        f"p95 {percentile(delays, 95):.0f} ms, max {max(delays):.0f} ms |",
        f"| {db} | burst of {tickets} signed tickets ({issue_rate:.0f}/s issued): {burst_rate:.0f} "
        f"webhooks/s delivered; hub CPU {cpu_ms:.1f} ms per ticket (signed issue + its webhook) |",
        f"| {db} | outage: {tickets} rows backed up ({failed} failed attempts), drained in "
        f"{drain_s:.1f} s after recovery |",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    lines = ["| database | result (simulator answering in 50 ms) |", "|---|---|", *run(args.db, args.tickets)]
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section(f"partners-{args.db}", f"## Partner webhooks, {args.db} (bench/partner_bench.py)\n\n"
                      "One hub; a change wakes its own hub's delivery loop at once (another hub's rows "
                      "are found within `YIMEN_PARTNER_POLL_S`, 0.2 s here, 0.5 s by default); 20 rows "
                      "posted at once per round.\n\n" + table)


if __name__ == "__main__":
    main()

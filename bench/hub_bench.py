"""Hub benchmark: ticket-issue throughput and the delay from call-next to the displays.

    python -m bench.hub_bench [--db sqlite|postgresql|both] [--seconds 10] [--write]

For each database it starts a real hub process (run.py) and measures:

1. Issue throughput and latency with 20 concurrent kiosks on keep-alive connections,
   driven by ``wrk`` (Debian package ``wrk``) with a fresh idempotency key per request.
2. With 20 displays connected as real Socket.IO clients (asyncio, websocket), the delay
   from a counter's ``POST /windows/<id>/call-next`` being sent to the first display
   receiving ``ticket_called``.

``--write`` puts the table into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench import screens_bench as screens
from bench.common import HubProcess, create_pg_database, pg_available, write_section
from tests.support.api import Api

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
local keys = {"demo-kiosk-1", "demo-kiosk-2"}  -- two kiosks' keys: each stays within its rate limit
local matters = {MATTERS}
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  n = 0
end
function request()
  n = n + 1
  local body = string.format('{"matter_id":"%s","idempotency_key":"b%d-%d"}',
                             matters[(n % #matters) + 1], tid, n)
  return wrk.format(nil, nil, {["Content-Type"] = "application/json",
                               ["X-Device-Key"] = keys[(n % #keys) + 1]}, body)
end
"""


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def issue_throughput(hub: HubProcess, seconds: int, connections: int = 20) -> dict:
    center = Api(hub.url).get("/center").json()
    matters = [m["id"] for m in center["matters"]][:40]
    script = Path(tempfile.mkdtemp()) / "issue.lua"
    script.write_text(WRK_SCRIPT.replace("{MATTERS}", "{" + ",".join(f'"{m}"' for m in matters) + "}"))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         f"{hub.url}/api/v1/tickets"],
        capture_output=True, text=True, check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "errors": "Non-2xx" in out or "Socket errors" in out,
        "raw": out,
    }


def call_to_display(hub: HubProcess, calls: int = 200, displays: int = 20) -> dict:
    """One counter calls ``calls`` tickets while ``displays`` hall screens listen
    (the asyncio clients of bench.screens_bench)."""
    result = asyncio.run(screens.run(hub.url, counters=1, displays=displays, phones=0, calls=calls))
    return {"p50_ms": result["display_p50"], "p99_ms": result["display_p99"],
            "samples": result["display_samples"]}


def run(db: str, seconds: int) -> dict:
    var = Path(tempfile.mkdtemp(prefix="yimen-bench-"))
    drop = None
    url = None
    if db == "postgresql":
        reason = pg_available()
        if reason:
            raise SystemExit(reason)
        url, drop = create_pg_database()
    hub = HubProcess(var, db=url).start()
    try:
        issue = issue_throughput(hub, seconds)
        hub.restart()  # a fresh process for the second measurement, same data
        call = call_to_display(hub)
    finally:
        hub.stop()
        if drop:
            drop()
        shutil.rmtree(var, ignore_errors=True)
    return {"db": db, "issue": issue, "call": call}


def table(results: list[dict], seconds: int) -> str:
    lines = [
        f"Command: `python -m bench.hub_bench --db both --seconds {seconds} --write`. One hub process "
        "(gevent), wrk with 20 keep-alive connections issuing tickets (a fresh idempotency key each); "
        "then 20 displays as real python-socketio clients and one counter calling 200 tickets.",
        "",
        "| database | issue tickets/s | issue p50 | issue p99 | call→display p50 | call→display p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['db']} | {r['issue']['rps']:.0f} | {r['issue']['p50_ms']:.1f} ms | {r['issue']['p99_ms']:.1f} ms "
            f"| {r['call']['p50_ms']:.1f} ms | {r['call']['p99_ms']:.1f} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="write the table to docs/benchmarks.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run(db, args.seconds) for db in dbs]
    markdown = table(results, args.seconds)
    print(markdown)
    if args.write:
        write_section("hub", markdown)


if __name__ == "__main__":
    main()

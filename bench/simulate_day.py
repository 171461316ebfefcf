"""Simulated days of the demo hall through the real services: speed, the wait estimate
against the naive formula, and Erlang C against the simulated waits.

    python -m bench.simulate_day [--days 3] [--seed 7]

Each day (~1,200 visitors, 09:00–17:30 with a lunch break, ~75 % of windows staffed)
runs through ``issue_ticket``, ``call_next``, ``start_service``, ``finish``, ``no_show``,
``transfer``, ``pause_window`` ... on a hub of its own (SQLite file, ``ManualClock``).
For every ticket the simulator keeps the wait the hub quoted at issue, the naive
estimate (people ahead × mean service time ÷ open windows) and the real wait.
Prints a Markdown section on stdout.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from bench.common import run_report
from server.db.tables import events as event_log
from server.queueing import erlang
from server.services.reporting import stats
from server.simulation.offline import offline_hub, simulate_days

FIRST_DAY = date(2026, 3, 2)
TARGET_S = 900
MORNING = (9, 11)  # issue hours used for the Erlang check: before lunch disturbs the line


def _errors(pairs):
    errors = [q - a for q, a in pairs]
    n = len(errors)
    return {"n": n, "mae": sum(abs(e) for e in errors) / n, "bias": sum(errors) / n,
            "within": sum(abs(e) <= 300 for e in errors) / n}


def report(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="yimen-sim-"))
    hub, clock = offline_hub(f"sqlite:///{folder / 'sim.sqlite3'}",
                             start=datetime(2026, 3, 1, tzinfo=UTC))
    started = time.perf_counter()
    result = simulate_days(hub, clock, FIRST_DAY, args.days, seed=args.seed, compare_estimates=True)
    wall_s = time.perf_counter() - started
    days = result.days
    simulated_s = len(days) * 9.5 * 3600  # 08:00 … 17:30 of hall time per day

    samples = [s for s in result.samples if s.actual_s is not None]
    hub_err = _errors([(s.hub_s, s.actual_s) for s in samples])
    naive_err = _errors([(s.naive_s, s.actual_s) for s in samples])
    busy = [s for s in samples if s.ahead >= 3]
    hub_busy = _errors([(s.hub_s, s.actual_s) for s in busy])
    naive_busy = _errors([(s.naive_s, s.actual_s) for s in busy])

    print("## Simulated days of the demo hall (real services, ManualClock, SQLite)\n")
    print(f"`python -m bench.simulate_day --days {args.days} --seed {args.seed}`\n")
    print("| day | issued | called | finished | no-shows | transfers | pauses |\n|---|---:|---:|---:|---:|---:|---:|")
    for d in days:
        print(f"| {d.day} | {d.issued} | {d.called} | {d.finished} | {d.no_shows} | {d.transfers} | {d.pauses} |")
    print(f"\n{sum(d.issued for d in days):,} tickets in {wall_s:.1f} s of wall time: "
          f"{simulated_s / wall_s:,.0f}× faster than the hall's real time "
          f"({wall_s / len(days):.1f} s a day).\n")
    print("### The wait quoted at issue against the real wait (issue → first call)\n")
    print("| estimator | tickets | mean abs. error | mean bias | within ±5 min |\n|---|---:|---:|---:|---:|")
    for name, e in (("hub (`estimate_wait_s`)", hub_err), ("naive (ahead × service ÷ open)", naive_err),
                    ("hub, ≥ 3 people ahead", hub_busy), ("naive, ≥ 3 people ahead", naive_busy)):
        print(f"| {name} | {e['n']:,} | {e['mae'] / 60:.1f} min | {e['bias'] / 60:+.1f} min | {e['within']:.1%} |")

    print("\n### Erlang C against the simulation (morning, 09:00–11:00 issues)\n")
    print("Predicted share called within 15 min with the measured arrival rate, mean service time "
          "and the windows staffed that day, against the simulated share.\n")
    print("| queue | tickets/h | mean service | windows | Erlang C: P(wait ≤ 15 min) | simulated |\n"
          "|---|---:|---:|---:|---:|---:|")
    facts = stats.facts_between(hub, days[0].day, days[-1].day)
    staffed = {}
    with hub.reading() as repos:
        for day_id, window_id in repos.conn.execute(
                select(event_log.c.service_day, event_log.c.window_id).where(event_log.c.kind == "window_opened")).all():
            staffed.setdefault(day_id, set()).add(window_id)
    rows = []
    for queue in hub.center.queues.values():
        morning = [f for f in facts if f.first_queue_id == queue.id and MORNING[0] <= f.hour < MORNING[1]
                   and f.wait_s is not None]
        served = [f.service_s for f in facts if f.queue_id == queue.id and f.service_s]
        if len(morning) < 60 or not served:
            continue
        rate = len(morning) / (len(days) * (MORNING[1] - MORNING[0]))
        service_s = sum(served) / len(served)
        windows = round(sum(len([w for w in queue.window_ids if w in staffed.get(d.day, set())])
                            for d in days) / len(days))
        predicted = erlang.service_level(windows, rate, service_s, TARGET_S)
        simulated = sum(f.wait_s <= TARGET_S for f in morning) / len(morning)
        rows.append((queue.name, rate, service_s, windows, predicted, simulated))
    for name, rate, service_s, windows, predicted, simulated in sorted(rows, key=lambda r: -r[1]):
        print(f"| {name} | {rate:.1f} | {service_s / 60:.1f} min | {windows} | {predicted:.1%} | {simulated:.1%} |")
    hub.db.engine.dispose()
    return 0


def main(argv=None) -> int:
    return run_report("simulation", report, argv)


if __name__ == "__main__":
    raise SystemExit(main())

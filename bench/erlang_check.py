"""Erlang C against the simulator, in the conditions Erlang C assumes.

    python -m bench.erlang_check [--days 10] [--visits 1800] [--write]

The window planner (``server/services/reporting/planning.py``) sizes windows with the Erlang C
formula (``server/queueing/erlang.py``). This scenario checks the formula against the
hall simulator run through the real services, with the simulator set to Erlang C's
assumptions: steady arrivals from 09:00 to 17:00 (no lunch, no peak), every window of a
queue staffed all day, no pauses, no no-shows or transfers, service times with a
coefficient of variation of 1, and no walking time. For the busiest queues it compares
the predicted share called within 15 minutes and mean wait with the simulated ones.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import select

from bench.common import write_section
from server.db.tables import tickets as ticket_table
from server.queueing import erlang
from server.simulation.model import HallModel
from server.simulation.offline import offline_hub, simulate_days

TARGET_S = 900
OPEN_HOURS = 8.0


def steady_model(visits: int) -> HallModel:
    return HallModel(
        visits_per_day=visits, hourly_share={h: 1.0 for h in range(9, 17)},
        lunch_starts=clock_time(12, 0), lunch_ends=clock_time(12, 0), last_ticket=clock_time(17, 0),
        no_show_share=0.0, transfer_share=0.0, priority_share=0.0, service_cv=1.0,
        walk_up_s=(0.0, 0.0), between_tickets_s=(0.0, 0.0), short_pause_share=0.0,
        late_window_share=0.0, staffed_share=1.0,
    )


def run(days: int, visits: int, seed: int) -> tuple[list[dict], float]:
    folder = Path(tempfile.mkdtemp(prefix="yimen-erlang-"))
    hub, clock = offline_hub(f"sqlite:///{folder / 'sim.sqlite3'}", start=datetime(2026, 3, 1, tzinfo=UTC))
    started = time.perf_counter()
    simulate_days(hub, clock, date(2026, 3, 2), days, seed=seed, model=steady_model(visits))
    wall = time.perf_counter() - started
    t = ticket_table
    with hub.reading() as repos:
        rows = repos.conn.execute(select(t.c.queue_id, t.c.issued_at, t.c.called_at, t.c.started_at,
                                         t.c.finished_at)).all()
    by_queue = defaultdict(list)
    for row in rows:
        by_queue[row.queue_id].append(row)
    results = []
    for queue_id, group in sorted(by_queue.items(), key=lambda item: -len(item[1]))[:8]:
        waits = [(r.called_at - r.issued_at).total_seconds() for r in group if r.called_at]
        services = [(r.finished_at - r.started_at).total_seconds() for r in group
                    if r.finished_at and r.started_at]
        arrivals_h = len(group) / (days * OPEN_HOURS)
        service_s = sum(services) / len(services)
        windows = len(hub.center.queue(queue_id).window_ids)
        results.append({
            "queue": hub.center.queue(queue_id).name, "tickets": len(group), "arrivals_h": arrivals_h,
            "service_min": service_s / 60, "windows": windows,
            "load": erlang.traffic_erlangs(arrivals_h, service_s) / windows,
            "predicted": erlang.service_level(windows, arrivals_h, service_s, TARGET_S),
            "simulated": sum(w <= TARGET_S for w in waits) / len(waits),
            "predicted_wait": erlang.mean_wait_s(windows, arrivals_h, service_s) / 60,
            "simulated_wait": sum(waits) / len(waits) / 60,
        })
    hub.db.dispose()
    return results, wall


def table(results: list[dict], days: int, visits: int, wall: float) -> str:
    lines = [
        f"Command: `python -m bench.erlang_check --days {days} --visits {visits} --write` "
        f"({days} simulated days in {wall:.0f} s). Busiest queues; every window of a queue staffed.",
        "",
        "| queue | tickets | arrivals/h | mean service | windows | load ρ | Erlang C ≤15 min | simulated ≤15 min "
        "| Erlang C mean wait | simulated mean wait |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['queue']} | {r['tickets']} | {r['arrivals_h']:.1f} | {r['service_min']:.1f} min "
            f"| {r['windows']} | {r['load']:.2f} | {r['predicted']:.1%} | {r['simulated']:.1%} "
            f"| {r['predicted_wait']:.1f} min | {r['simulated_wait']:.1f} min |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--visits", type=int, default=1800)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    results, wall = run(args.days, args.visits, args.seed)
    markdown = table(results, args.days, args.visits, wall)
    print(markdown)
    if args.write:
        write_section("erlang", markdown)


if __name__ == "__main__":
    main()

"""电子监察: what the supervision rules cost the hub at peak, and the staff records over a year.

    python -m bench.supervision_bench [--days 250] [--waiting 500] [--write]

1. The demo hall at peak (SQLite, real services, ManualClock): three windows in four
   opened, ``--waiting`` visitors issued across the queues over the morning, then one
   evaluation round of the rules every 30 s (the default interval) for ten minutes,
   with the clerks calling, serving and marking no-shows in between. Reports the first
   round (folding the day so far) and the steady rounds, and the cost per minute.
2. ``--days`` working days of history (``server.simulation.bulk``), then
   ``GET /reports/staff`` over the whole year, the first call (which stores the
   facts of closed days) and the next, through the function the REST call uses.

Prints a Markdown section on stdout (``--write`` keeps it in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import run_report
from server.queueing.actors import Actor
from server.queueing.errors import QueueingError
from server.services.counter import windows
from server.services.issuing import tickets
from server.services.reporting import staff
from server.services.supervision.watch import SupervisionWatch
from server.simulation.bulk import BulkHistory
from server.simulation.engine import ensure_sim_clerks
from server.simulation.model import HallModel
from server.simulation.offline import offline_hub, working_days

PEAK_DAY = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 in the hall
FIRST_DAY = date(2025, 1, 6)
KIOSK = Actor("device", "bench", "bench kiosk")


def peak(folder: Path, waiting: int) -> dict:
    hub, clock = offline_hub(f"sqlite:///{folder / 'peak.sqlite3'}", start=PEAK_DAY)
    center = hub.center
    ids = [w for w in center.windows if center.window(w).queue_ids]
    clerks = ensure_sim_clerks(hub, ids)
    staffed = ids[::4] + ids[1::4] + ids[2::4]
    for window_id in staffed:
        windows.open_window(hub, window_id, clerks[window_id])
    model, rng_matter = HallModel(), random.Random(5)
    pick = model.matter_picker(center)
    for _ in range(waiting):
        clock.advance(3)
        tickets.issue_ticket(hub, matter_id=pick(rng_matter), actor=KIOSK)
    watch = SupervisionWatch(hub)
    started = time.perf_counter()
    watch.evaluate()
    first_s = time.perf_counter() - started
    rounds, acts = [], 0
    for step in range(20):  # ten minutes, a round every 30 s
        for index, window_id in enumerate(staffed):
            if (index + step) % 3:
                continue
            try:
                windows.call_next(hub, window_id, clerks[window_id])
                acts += 1
                if (index + step) % 7 == 0:
                    windows.no_show(hub, window_id, clerks[window_id])
                else:
                    windows.finish(hub, window_id, clerks[window_id], "completed")
            except QueueingError:
                pass
        clock.advance(30)
        started = time.perf_counter()
        watch.evaluate()
        rounds.append(time.perf_counter() - started)
    with hub.reading() as repos:
        stored = len(repos.supervision.listing(status=None, kind=None, limit=100_000))
    hub.db.engine.dispose()
    return {"windows": len(ids), "staffed": len(staffed), "waiting": waiting, "first_s": first_s,
            "median_s": statistics.median(rounds), "max_s": max(rounds), "acts": acts, "stored": stored}


def year(folder: Path, days_count: int) -> dict:
    days = working_days(FIRST_DAY, days_count)
    hub, _clock = offline_hub(f"sqlite:///{folder / 'year.sqlite3'}",
                              start=datetime.combine(days[-1] + timedelta(days=10), datetime.min.time(), UTC))
    started = time.perf_counter()
    BulkHistory(hub, seed=2025).write_days(days)
    generate_s = time.perf_counter() - started
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        report = staff.staff_report(hub, days[0], days[-1])
        timings.append(time.perf_counter() - started)
    hub.db.engine.dispose()
    served = sum(r["served"] for r in report["rows"])
    return {"days": len(days), "first": days[0], "last": days[-1], "generate_s": generate_s,
            "first_s": timings[0], "next_s": statistics.median(timings[1:]), "clerks": len(report["rows"]),
            "served": served}


def report(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--waiting", type=int, default=500)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="yimen-supervision-"))
    p = peak(folder, args.waiting)
    y = year(folder, args.days)
    per_minute = 2 * p["median_s"]
    print("## 电子监察: the rules at peak, staff records over a year (SQLite)\n")
    print(f"`python -m bench.supervision_bench --days {args.days} --waiting {args.waiting}`.\n")
    print(f"At peak: the demo hall's {p['windows']} windows, {p['staffed']} open, {p['waiting']} visitors "
          f"issued over 25 minutes, then ten minutes of rounds every 30 s with {p['acts']} calls "
          f"(served or no-shows) in between; {p['stored']} findings stored.\n")
    print("| step | seconds |\n|---|---:|")
    print(f"| first round (folds the day so far) | {p['first_s']:.3f} |")
    print(f"| a steady round, median (max) | {p['median_s']:.3f} ({p['max_s']:.3f}) |")
    print(f"| cost per minute at the default interval (2 rounds) | {per_minute:.3f} |")
    print(f"| write {y['days']} working days of history ({y['first']} … {y['last']}) | {y['generate_s']:.1f} |")
    print(f"| `GET /reports/staff` whole year, first call (stores closed days' facts) | {y['first_s']:.2f} |")
    print(f"| `GET /reports/staff` whole year, next calls (median) | {y['next_s']:.2f} |")
    print(f"\nThe year's report covers {y['clerks']} staff and {y['served']:,} served tickets. "
          f"At peak the rules take {per_minute / 60:.2%} of one core.")
    return 0


def main(argv=None) -> int:
    return run_report("supervision", report, argv)


if __name__ == "__main__":
    raise SystemExit(main())

"""A year of the demo hall (~300,000 tickets) and how fast the managers' reports answer.

    python -m bench.year_report [--days 250] [--db sqlite:////tmp/year.sqlite3] [--keep]

1. Writes ``--days`` working days of consistent tickets and events
   (``server.simulation.bulk``, ~1,200 visitors a day) into a fresh SQLite file.
2. Folds the event log of every closed day into stored facts (the one-off cost a hub
   pays in the background after an upgrade, or the first time a long range is asked).
3. Times the reports a manager opens over the whole year, each the median of 3 runs,
   through the same functions the REST calls use.

Prints a Markdown section on stdout.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.common import run_report
from server.db.tables import events, tickets
from server.services.reporting import planning, reports, stats
from server.simulation.bulk import BulkHistory
from server.simulation.offline import offline_hub, working_days

FIRST_DAY = date(2025, 1, 6)


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def report(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--db")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="yimen-year-"))
    url = args.db or f"sqlite:///{folder / 'year.sqlite3'}"
    days = working_days(FIRST_DAY, args.days)
    hub, clock = offline_hub(url, start=datetime.combine(days[-1] + timedelta(days=10), datetime.min.time(), UTC))

    started = time.perf_counter()
    BulkHistory(hub, seed=args.seed).write_days(days)
    generate_s = time.perf_counter() - started
    with hub.reading() as repos:
        event_rows = repos.conn.execute(select(func.count()).select_from(events)).scalar_one()
        ticket_rows = repos.conn.execute(select(func.count()).select_from(tickets)).scalar_one()

    first, last = days[0], days[-1]
    started = time.perf_counter()
    built = stats.build_facts(hub, first, last)
    build_s = time.perf_counter() - started

    cases = [
        ("report by queue, whole year", lambda: reports.report(hub, first, last, "queue")),
        ("report by department, whole year", lambda: reports.report(hub, first, last, "unit")),
        ("report by clerk, whole year", lambda: reports.report(hub, first, last, "clerk")),
        ("report by hour, whole year", lambda: reports.report(hub, first, last, "hour")),
        ("report by day, whole year", lambda: reports.report(hub, first, last, "day")),
        ("arrival heat map, whole year", lambda: reports.heatmap(hub, first, last)),
        ("estimate accuracy, whole year", lambda: reports.accuracy(hub, first, last)),
        ("window plan (Erlang C), whole year", lambda: planning.window_plan(hub, first, last)),
        ("unit plan (100-cases rule), whole year", lambda: planning.unit_plan(hub, first, last)),
        ("GET /stats of one closed day", lambda: stats.day_stats(hub, days[100])),
    ]
    timings = [(name, *timed(fn)) for name, fn in cases]
    total = timings[0][2]["total"]["issued"]
    # The same day fresh from the events (as for today and yesterday):
    clock.set(datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=4))
    fresh_s, _ = timed(lambda: stats.day_stats(hub, last))
    size_mb = (folder / "year.sqlite3").stat().st_size / 1e6 if not args.db else None

    print("## A year of the demo hall: report times (SQLite)\n")
    print(f"`python -m bench.year_report --days {args.days}`: {len(days)} working days "
          f"({first} … {last}), {ticket_rows:,} tickets and {event_rows:,} events"
          + (f", database {size_mb:.0f} MB" if size_mb else "") + ".\n")
    print("| step | seconds |\n|---|---:|")
    print(f"| write the year (bulk generator, tickets + events) | {generate_s:.1f} |")
    print(f"| fold the event log of {built} closed days into stored facts (one-off) | {build_s:.1f} |")
    for name, seconds, _ in timings:
        print(f"| {name} | {seconds:.3f} |")
    print(f"| GET /stats of yesterday, folded fresh from its events | {fresh_s:.3f} |")
    print(f"\nThe year report covers {total:,} tickets; every full-year report answers in "
          f"{max(t for _, t, _ in timings):.2f} s or less (median of 3 runs, warm facts).")
    hub.db.engine.dispose()
    return 0


def main(argv=None) -> int:
    return run_report("year", report, argv)


if __name__ == "__main__":
    raise SystemExit(main())

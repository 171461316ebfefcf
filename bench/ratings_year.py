"""A year of 好差评 ratings in the demo hall and how fast the managers' figures answer.

    python -m bench.ratings_year [--days 250] [--db sqlite:////tmp/ratings.sqlite3] [--write]

1. Writes ``--days`` working days of tickets (``server.simulation.bulk``, ~1,200 visitors
   a day) into a fresh SQLite file.
2. Rates 60 % of the finished tickets the way the live simulator's visitors do (mostly
   satisfied, ~4 % bad), written in batches as the rating service writes them, and opens
   a rectification for every bad one (due 15 working days later on the calendar), some
   of them closed, some overturned on appeal.
3. Times ``GET /ratings/summary`` by unit, window, clerk and matter over the whole year,
   the ratings list and the provincial export, each the median of 3 runs, through the
   functions the REST calls use.

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

from sqlalchemy import func, insert, select

from bench.common import run_report
from server.db.tables import ratings, rectifications, tickets
from server.services.feedback import figures as rating_figures
from server.simulation.bulk import BulkHistory
from server.simulation.offline import offline_hub, working_days
from server.simulation.raters import LEVEL_WEIGHTS, RATING_SHARE

FIRST_DAY = date(2025, 1, 6)
BATCH = 5000


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def rate_year(hub, seed: int) -> tuple[int, int]:
    """Ratings for a share of every done ticket, and a rectification for each bad one."""
    rng = random.Random(seed)
    levels, weights = list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values())
    rules = hub.center.rules
    rated = opened = 0
    with hub.uow() as uow:
        rows = uow.conn.execute(
            select(tickets.c.id, tickets.c.service_day, tickets.c.number, tickets.c.matter_id,
                   tickets.c.unit_id, tickets.c.window_id, tickets.c.clerk_id, tickets.c.finished_at)
            .where(tickets.c.status == "done").order_by(tickets.c.id)).all()
        batch, bad = [], []
        next_id = (uow.conn.execute(select(func.max(ratings.c.id))).scalar() or 0) + 1
        for row in rows:
            if rng.random() >= RATING_SHARE:
                continue
            level = rng.choices(levels, weights)[0]
            at = row.finished_at + timedelta(seconds=rng.uniform(5, 60))
            overturned = level <= 2 and rng.random() < 0.1
            batch.append({"id": next_id, "ticket_id": row.id, "level": level,
                          "reasons": ["long_wait"] if level <= 2 else [], "comment": None,
                          "channel": "pad" if rng.random() < 0.7 else "phone", "at": at,
                          "service_day": row.service_day, "number": row.number,
                          "matter_id": row.matter_id, "unit_id": row.unit_id,
                          "window_id": row.window_id, "clerk_id": row.clerk_id,
                          "device_id": None, "overturned": overturned})
            if level <= 2:
                due = hub.calendar.deadline(at, rules.rectify_working_days, hub.tz)
                closed = not overturned and rng.random() < 0.85
                bad.append({"rating_id": next_id, "ticket_id": row.id, "service_day": row.service_day,
                            "status": "overturned" if overturned else ("closed" if closed else "rectifying"),
                            "opened_at": at, "due_at": due, "unit_id": row.unit_id,
                            "window_id": row.window_id, "clerk_id": row.clerk_id,
                            "rectified_at": at + timedelta(days=rng.uniform(1, 25)) if closed else None,
                            "closed_at": at + timedelta(days=26) if closed or overturned else None,
                            "callback_reached": (rng.random() < 0.9) if closed else None,
                            "callback_level": None})
            next_id += 1
            if len(batch) >= BATCH:
                uow.conn.execute(insert(ratings), batch)
                rated += len(batch)
                batch = []
        if batch:
            uow.conn.execute(insert(ratings), batch)
            rated += len(batch)
        for start in range(0, len(bad), BATCH):
            uow.conn.execute(insert(rectifications), bad[start:start + BATCH])
        opened = len(bad)
        uow.commit()
    return rated, opened


def report(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--db")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="yimen-ratings-"))
    url = args.db or f"sqlite:///{folder / 'ratings.sqlite3'}"
    days = working_days(FIRST_DAY, args.days)
    hub, _clock = offline_hub(url, start=datetime.combine(days[-1] + timedelta(days=10),
                                                           datetime.min.time(), UTC))
    started = time.perf_counter()
    BulkHistory(hub, seed=args.seed).write_days(days)
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    rated, opened = rate_year(hub, args.seed)
    rate_s = time.perf_counter() - started

    first, last = days[0], days[-1]
    cases = [(f"GET /ratings/summary?by={by}, whole year",
              lambda by=by: rating_figures.summary(hub, first, last, by))
             for by in ("unit", "window", "clerk", "matter")]
    cases += [
        ("GET /ratings (newest 2,000), whole year", lambda: rating_figures.list_ratings(hub, first, last)),
        ("GET /ratings/summary?by=unit, one month",
         lambda: rating_figures.summary(hub, last - timedelta(days=30), last, "unit")),
        ("GET /ratings/export, one month (provincial upload)",
         lambda: rating_figures.export_rows(hub, last - timedelta(days=30), last)),
    ]
    timings = [(name, *timed(fn)) for name, fn in cases]
    total = timings[0][2]["total"]
    slowest = max(t for name, t, _ in timings if "summary" in name)
    size_mb = (folder / "ratings.sqlite3").stat().st_size / 1e6 if not args.db else None

    print("## A year of 好差评 ratings: figure times (SQLite)\n")
    print(f"`python -m bench.ratings_year --days {args.days}`: {len(days)} working days "
          f"({first} … {last}), {total['done']:,} finished tickets, {rated:,} ratings, "
          f"{opened:,} rectifications" + (f", database {size_mb:.0f} MB" if size_mb else "") + ".\n")
    print("| step | seconds |\n|---|---:|")
    print(f"| write the year's tickets (bulk generator) | {generate_s:.1f} |")
    print(f"| rate 60 % of them, open a rectification per bad rating | {rate_s:.1f} |")
    for name, seconds, _ in timings:
        print(f"| {name} | {seconds:.3f} |")
    print(f"\nThe whole-year summary answers in {slowest:.2f} s or less in every grouping "
          f"(median of 3 runs; the goal is < 1 s). Satisfied share "
          f"{total['satisfied_share']:.1%}, {total['bad']:,} bad ratings (overturned excluded).")
    hub.db.engine.dispose()
    return 0


def main(argv=None) -> int:
    return run_report("ratings", report, argv)


if __name__ == "__main__":
    raise SystemExit(main())

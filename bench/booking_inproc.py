"""The release burst's booking work in-process: ``appointments.book`` in a loop, no HTTP.

    python -m bench.booking_inproc [--pg] [--seats 500] [--refusals 4500] [--rounds 3]

The booking service and its repository alone (no request pipeline, no gevent): the hall
of ``bench.booking_burst`` (5-minute slots of one seat, open around the clock), 500
bookings that each take a seat, then 4,500 that find their slot full. Prints, per kind,
the process's CPU per booking (user + system, the driver's included; with ``--pg`` the
server's own is not), Python function calls per booking (cProfile, over a sample of
each kind in a fresh run) and the statements and transactions sent per booking
(``Database.count_round_trips``). Load-independent counts for a before/after.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.booking_burst import center_file
from bench.common import create_pg_database
from server.center_file import load_center_file
from server.db.database import Database
from server.queueing.clock import SystemClock
from server.queueing.identity import check_character
from server.services.booking import appointments
from server.services.center_setup import install_center
from server.services.hub import Hub


def person(n: int) -> str:
    first17 = f"630102{1960 + n // 1000:04d}0101{n % 1000:03d}"
    return first17 + check_character(first17)


def one_round(url: str, center: str, seats: int, refusals: int, profile: bool) -> dict:
    db = Database(url)
    try:
        install = install_center(db, load_center_file(center), "demo", SystemClock())
        hub = Hub(db, install.center)
        hub.settings.secret_key = "bench-secret"
        matter = next(m.id for m in hub.center.matters.values() if m.queue_id == "tax")
        starts = [datetime.fromisoformat(s["start"]) for s in appointments.list_slots(hub, matter)]
        starts = starts[:seats]
        if len(starts) < seats:
            raise SystemExit(f"only {len(starts)} slots offered")
        trips = db.count_round_trips(lambda: phase)
        out = {}
        for phase, numbers in (("seat", range(seats)), ("slot_full", range(seats, seats + refusals))):
            profiler = cProfile.Profile() if profile else None
            cpu = time.process_time()
            if profiler:
                profiler.enable()
            booked = 0
            for n in numbers:
                try:
                    _, created = appointments.book(hub, matter_id=matter, start=starts[n % seats],
                                                   name="王五", id_number=person(n),
                                                   phone="13900001111")
                    booked += created
                except appointments.SlotFullError:
                    pass
            if profiler:
                profiler.disable()
            spent = time.process_time() - cpu
            expected = len(numbers) if phase == "seat" else 0
            if booked != expected:
                raise SystemExit(f"{phase}: {booked} booked, {expected} expected")
            calls = pstats.Stats(profiler).total_calls if profiler else None
            out[phase] = {"cpu_ms": spent * 1000 / len(numbers),
                          "calls": calls / len(numbers) if calls else None,
                          "trips": trips.counts[phase] / len(numbers)}
        return out
    finally:
        db.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.booking_inproc", description=__doc__)
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--refusals", type=int, default=4500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        center = center_file(Path(folder))
        for n in range(args.rounds + 1):  # the last round under cProfile, for the counts
            drop = None
            if args.pg:
                url, drop = create_pg_database()
            else:
                url = f"sqlite:///{Path(folder) / f'round{n}.sqlite3'}"
            try:
                rows.append(one_round(url, center, args.seats, args.refusals, n == args.rounds))
            finally:
                if drop:
                    drop()
    timed, counted = rows[:-1], rows[-1]
    print(f"{'kind':>10} {'CPU ms per booking (each round)':>34} {'calls':>7} {'trips':>6}")
    for kind in ("seat", "slot_full"):
        cpu = ", ".join(f"{r[kind]['cpu_ms']:.3f}" for r in timed)
        print(f"{kind:>10} {cpu:>34} {counted[kind]['calls']:7.0f} {counted[kind]['trips']:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

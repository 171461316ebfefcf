"""The appointments' background loop: no-shows become ``missed`` (and strikes), and the
personal fields of old appointments are purged.

- An appointment still ``booked`` at ``end + late_minutes`` is ``missed``; the person
  gets one strike (kept by the keyed hash only). ``strikes`` strikes within
  ``strike_window_days`` block new bookings for ``block_days`` from today.
- ``PERSONAL_DATA_DAYS`` (default 30) after its slot ended, an appointment keeps its
  code, matter, slot and status for the figures, but no ID hash, no masked name, ID or
  phone. Strikes older than ``strike_window_days`` are forgotten.

``run_forever`` is spawned on ``hub.tasks``, runs every ``appointments_interval_s`` of the
hub's settings (``YIMEN_APPOINTMENTS_INTERVAL_S``, 60 s) and ends when ``hub.stopping`` is set.
Every step is a conditional update: several hubs running it at once change a row once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from server.db.repositories.appointments import AppointmentRepository

from ..hub import Hub
from .appointments import tell_partner

log = logging.getLogger(__name__)


def mark_missed(hub: Hub, now: datetime | None = None) -> int:
    """Mark overdue bookings missed, strike and block their holders. Returns how many."""
    rules = hub.center.rules.appointments
    now = now or hub.now()
    missed = 0
    with hub.uow() as uow:
        repo = AppointmentRepository(uow.conn)
        for row in repo.overdue(now - timedelta(minutes=rules.late_minutes)):
            if not repo.move(row.id, "booked", status="missed", missed_at=now):
                continue
            missed += 1
            if row.device_id is not None:
                tell_partner(hub, uow, repo.get(id=row.id), "missed", now)
            if row.id_hash is None:
                continue
            repo.strike(row.id_hash, row.id, now)
            window_start = now - timedelta(days=rules.strike_window_days)
            if (repo.strikes_since(row.id_hash, window_start) >= rules.strikes
                    and repo.block_of(row.id_hash, hub.today(now)) is None):
                until = hub.today(now) + timedelta(days=rules.block_days)
                repo.block(row.id_hash, now, until)
                log.info("appointment %s missed: bookings blocked until %s", row.code, until)
        uow.commit()
    return missed


def purge(hub: Hub, now: datetime | None = None) -> int:
    """Empty the personal fields of appointments whose slot ended ``personal_data_days``
    ago; forget strikes out of their window. Returns how many appointments were purged."""
    now = now or hub.now()
    rules = hub.center.rules.appointments
    with hub.uow() as uow:
        repo = AppointmentRepository(uow.conn)
        purged = repo.purge_before(now - timedelta(days=hub.settings.personal_data_days), now)
        repo.forget_strikes_before(now - timedelta(days=rules.strike_window_days))
        uow.commit()
    if purged:
        log.info("purged the personal fields of %d appointments", purged)
    return purged


def run_forever(hub: Hub) -> None:
    while not hub.stopping.is_set():
        try:
            mark_missed(hub)
            purge(hub)
        except Exception:  # noqa: BLE001 - a database hiccup: try again next round
            log.exception("appointments housekeeping failed")
        hub.stopping.wait(hub.settings.appointments_interval_s)

"""Closing past service days: nobody waits overnight.

A hall's numbers restart every morning. Tickets of an earlier day that were still
waiting are cancelled (reason ``day_closed``), those called but never started become
no-shows, and windows left open or paused are closed, each with an event row by the
``system`` actor, so the statistics of every day add up. Tickets still being served
stay at their window until the clerk finishes them.

Runs when a hub starts and then every minute; several hubs may run it at once: each
change is a conditional update, so a ticket is closed once.
"""

from __future__ import annotations

import logging

from server.db.repositories.tickets import ConcurrentUpdateError
from server.queueing.actors import Actor
from server.queueing.tickets import TicketStatus
from server.queueing.windows import WindowStatus

from .hub import Hub

log = logging.getLogger(__name__)
BATCH = 500


def close_past_days(hub: Hub) -> int:
    """Close what earlier service days left open; return how many things were closed."""
    now = hub.now()
    today = hub.today(now)
    system = Actor.system()
    closed = 0
    while True:
        with hub.uow() as uow:
            stale = uow.tickets.open_before(today, BATCH)
            if not stale:
                break
            for ticket in stale:
                before = ticket.status
                if before is TicketStatus.WAITING:
                    event = ticket.cancel("day_closed", now, system)
                else:
                    event = ticket.no_show(now, system)
                try:
                    uow.tickets.save(ticket, before)
                except ConcurrentUpdateError:
                    continue
                uow.events.append([event], ticket.service_day)
                closed += 1
            uow.commit()
        if len(stale) < BATCH:
            break
    with hub.uow() as uow:
        events = []
        at_windows = uow.tickets.at_windows()
        for state in uow.windows.all().values():
            if state.status is WindowStatus.CLOSED or state.since is None:
                continue
            if hub.today(state.since) >= today or state.window_id in at_windows:
                continue
            event = state.close(False, now, system)
            if event:
                uow.windows.save(state)
                events.append(event)
        if events:
            uow.events.append(events, today)
            closed += len(events)
        uow.commit()
    hub.publish(events)
    if closed:
        log.info("closed %d tickets and windows left from earlier days", closed)
    return closed

"""A discrete-event simulation of the hall, driving the hub's real services.

Visitors take tickets (``issue_ticket``), clerks open their windows, call, start,
finish, transfer, mark no-shows and pause (``server.services.counter.windows``), each at the
moment the simulation reaches. The simulation keeps its own time line; a *timer*
decides how it maps onto the hub's clock:

* ``ManualTimer``: the hub runs on a ``ManualClock`` that the timer sets to each
  event's time. A whole day takes seconds (offline runs, tests, benchmarks).
* ``server.simulation.live.RealTimer``: the hub runs on the wall clock and the timer
  sleeps until ``speed`` times less than the simulated gap has passed (``run.py
  --simulate``).

Everything random comes from one seeded ``random.Random``.

Over 300 lines on purpose: the day's event loop and each kind of actor's step stay
together, so that one reading shows the order of a simulated day; the back office,
raters and misconduct are their own modules.

A little over 300 lines on purpose: the simulator's event handlers call each other in
a cycle (arrive → call → start → finish → call), best read side by side.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from server.queueing.actors import Actor
from server.queueing.clock import ManualClock
from server.queueing.errors import QueueEmptyError, QueueingError
from server.queueing.estimate import naive_estimate_s
from server.services.counter import windows as window_service
from server.services.hub import Hub
from server.services.issuing import tickets as ticket_service
from server.services.views import queue_loads

from .back_office import SimulatedBackOffice
from .bookers import SimulatedBookers
from .misconduct import AWAY_REASON, Misconduct
from .model import HallModel
from .raters import SimulatedRaters

LUNCH_REASON = "午休"
SHORT_PAUSE_REASON = "临时离开"
SIM_CLERK_PREFIX = "sim-"


class Timer(Protocol):
    def wait_until(self, at: datetime) -> bool:
        """Return when the hub's clock has reached ``at``; False to stop the simulation."""


class ManualTimer:
    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock

    def wait_until(self, at: datetime) -> bool:
        if at > self.clock.now():
            self.clock.set(at)
        return True


@dataclass
class EstimateSample:
    """One ticket's quoted waits (the hub's and the naive formula's) and its real wait."""

    queue_id: str
    hour: int
    ahead: int
    hub_s: int
    naive_s: int
    actual_s: float | None = None


@dataclass
class WindowSim:
    window_id: str
    actor: Actor
    status: str = "closed"  # closed | idle | busy | paused
    pending_pause: tuple[str, datetime] | None = None
    ticket: dict | None = None
    done_for_day: bool = False


@dataclass
class DayReport:
    day: date
    issued: int = 0
    called: int = 0
    finished: int = 0
    no_shows: int = 0
    transfers: int = 0
    pauses: int = 0
    samples: list[EstimateSample] = field(default_factory=list)


def ensure_sim_clerks(hub: Hub, window_ids) -> dict[str, Actor]:
    """A clerk account per window (``sim-w01``...), which cannot log in: window → actor."""
    actors = {}
    with hub.uow() as uow:
        for window_id in window_ids:
            username = f"{SIM_CLERK_PREFIX}{window_id}"
            user = uow.users.by_username(username)
            name = f"模拟{hub.center.window(window_id).name}"
            user_id = user.id if user else uow.users.add(username, name, "clerk", "!simulated", hub.now())
            actors[window_id] = Actor("user", str(user_id), name, "clerk")
        uow.commit()
    return actors


class Simulator:
    def __init__(self, hub: Hub, timer: Timer, model: HallModel | None = None, *, seed: int = 1,
                 window_ids=None, compare_estimates: bool = False, ratings: bool = False,
                 cases: bool = False, appointments: bool = False) -> None:
        self.hub = hub
        self.timer = timer
        self.model = model or HallModel()
        self.rng = random.Random(seed)
        self.raters = SimulatedRaters(seed) if ratings else None  # visitors rate (好差评)
        self.back_office = SimulatedBackOffice(hub, seed) if cases else None  # 办件 decided, collected
        self.bookers = (SimulatedBookers(hub, self.model, seed)  # 预约, if the hall takes them
                        if appointments and hub.center.rules.appointments.enabled else None)
        self.misconduct = Misconduct(seed)  # occasional 刷号 and absences, for 电子监察
        self.compare = compare_estimates
        center = hub.center
        ids = list(window_ids) if window_ids is not None else [w for w in center.windows
                                                                if center.window(w).queue_ids]
        self.windows = {w: WindowSim(w, a) for w, a in ensure_sim_clerks(hub, ids).items()}
        self.pick_matter = self.model.matter_picker(center)
        self.kiosk = Actor("device", "simulator", "模拟取号机")
        self._heap: list = []
        self._seq = itertools.count()
        self._samples: dict[int, EstimateSample] = {}
        self._issued_at: dict[int, datetime] = {}
        self.now: datetime = datetime.now(UTC)
        self.closing = False
        self.stopped = False

    # --- the event loop ------------------------------------------------------------------
    def at(self, when: datetime, action: Callable, *args) -> None:
        heapq.heappush(self._heap, (when, next(self._seq), action, args))

    def after(self, seconds: float, action: Callable, *args) -> None:
        self.at(self.now + timedelta(seconds=seconds), action, *args)

    def _local(self, day: date, hours: float) -> datetime:
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.hub.tz)
        return (midnight + timedelta(hours=hours)).astimezone(UTC)

    def run_day(self, day: date) -> DayReport:
        model, rng = self.model, self.rng
        self.report = DayReport(day)
        self.closing = False
        self._heap.clear()
        hours = model._hours
        opens = self._local(day, hours(model.opens))
        staffed = set(model.staffed_windows(rng, self.hub.center))
        late = set(rng.sample(sorted(self.windows), round(len(self.windows) * model.late_window_share)))
        for window_id, win in self.windows.items():
            win.done_for_day = window_id not in staffed
            if win.done_for_day:
                continue
            start = opens + timedelta(hours=1 if window_id in late else 0, seconds=rng.uniform(0, 300))
            self.at(start, self._open, win)
            if rng.random() < model.short_pause_share:
                pause_at = opens + timedelta(hours=rng.choice([0.8, 1.5, 5.6, 6.5]) + rng.random())
                length = rng.uniform(*model.short_pause_s)
                self.at(pause_at, self._want_pause, win, SHORT_PAUSE_REASON, length)
        for window_id, at, length in self.misconduct.away(
                [w for w, win in self.windows.items() if not win.done_for_day], opens):
            self.at(at, self._want_pause, self.windows[window_id], AWAY_REASON, length)
        lunch_start = self._local(day, hours(model.lunch_starts))
        lunch_end = self._local(day, hours(model.lunch_ends))
        for win in self.windows.values():
            if win.done_for_day:
                continue
            self.at(lunch_start + timedelta(seconds=rng.uniform(0, 600)), self._want_pause,
                    win, LUNCH_REASON, (lunch_end - lunch_start).total_seconds())
        for at in model.arrival_hours(rng, self._visits(rng)):
            self.at(self._local(day, at), self._arrive)
        self.at(self._local(day, hours(model.last_ticket)), self._close_day)
        while self._heap and not self.stopped:
            when, _, action, args = heapq.heappop(self._heap)
            if not self.timer.wait_until(when):
                self.stopped = True
                break
            self.now = when
            try:
                action(*args)
            except QueueingError:
                continue  # the hall moved on (e.g. a window already closed): skip the act
        self.report.samples = list(self._samples.values())
        self._samples.clear()
        self._issued_at.clear()
        return self.report

    def _visits(self, rng: random.Random) -> int:
        return max(1, round(rng.gauss(self.model.visits_per_day, self.model.visits_per_day * 0.08)))

    # --- visitors ------------------------------------------------------------------------
    def _arrive(self) -> None:
        hub, rng = self.hub, self.rng
        matter_id = self.pick_matter(rng)
        queue_id = hub.center.matters[matter_id].queue_id
        reason = "elderly" if rng.random() < self.model.priority_share else None
        naive = None
        if self.compare:
            with hub.reading() as repos:
                load = queue_loads(hub, repos, [queue_id])[queue_id]
        booked, ticket = self.bookers.arrive(matter_id, self.kiosk) if self.bookers else (False, None)
        if booked and ticket is None:
            return  # booked and stayed away: the hub marks it missed after its slot
        if ticket is None:
            ticket, _ = ticket_service.issue_ticket(hub, matter_id=matter_id, actor=self.kiosk,
                                                    priority_reason=reason)
        self.report.issued += 1
        self._issued_at[ticket["id"]] = self.now
        if self.compare:
            naive = naive_estimate_s(ticket["ahead"], load.service_s, load.open_windows)
            self._samples[ticket["id"]] = EstimateSample(
                queue_id, self.now.astimezone(hub.tz).hour, ticket["ahead"],
                ticket["estimated_wait_s"], naive)
        self._wake(queue_id)

    def _wake(self, queue_id: str) -> None:
        for window_id in self.hub.center.queue(queue_id).window_ids:
            win = self.windows.get(window_id)
            if win is not None and win.status == "idle":
                self._try_call(win)

    # --- windows -------------------------------------------------------------------------
    def _open(self, win: WindowSim) -> None:
        if win.done_for_day:
            return
        window_service.open_window(self.hub, win.window_id, win.actor)
        win.status = "idle"
        self._try_call(win)

    def _want_pause(self, win: WindowSim, reason: str, seconds: float) -> None:
        if win.status in ("closed", "paused"):
            return
        win.pending_pause = (reason, self.now + timedelta(seconds=seconds))
        if win.status == "idle":
            self._try_call(win)

    def _try_call(self, win: WindowSim) -> None:
        if win.status != "idle":
            return
        if win.pending_pause is not None:
            reason, until = win.pending_pause
            win.pending_pause = None
            if until > self.now:
                window_service.pause_window(self.hub, win.window_id, win.actor, reason)
                win.status = "paused"
                self.report.pauses += 1
                self.at(until, self._resume, win)
                return
        try:
            ticket = window_service.call_next(self.hub, win.window_id, win.actor)
        except QueueEmptyError:
            if self.closing:
                self._close(win)
            return
        win.status, win.ticket = "busy", ticket
        self.report.called += 1
        sample = self._samples.get(ticket["id"])
        issued = self._issued_at.get(ticket["id"])
        if sample is not None and sample.actual_s is None and issued is not None:
            sample.actual_s = (self.now - issued).total_seconds()
        model, rng = self.model, self.rng
        if ticket["transfers"] == 0 and rng.random() < model.no_show_share:
            self.after(model.no_show_after_s / 2, self._act, win, window_service.recall)
            self.after(model.no_show_after_s, self._no_show, win)
        else:
            walk_up = rng.uniform(*model.walk_up_s)
            quick = self.misconduct.quick_no_show_after()
            if quick is not None:  # 刷号: marked a no-show before the visitor could come up
                self.after(quick, self._no_show, win)
            else:
                self.after(walk_up, self._start, win)

    def _act(self, win: WindowSim, service) -> None:
        if win.status == "busy":
            service(self.hub, win.window_id, win.actor)

    def _start(self, win: WindowSim) -> None:
        window_service.start_service(self.hub, win.window_id, win.actor)
        seconds = self.model.service_s(self.rng, self.hub.center, win.ticket["matter_id"])
        if win.ticket["transfers"] == 0 and self.rng.random() < self.model.transfer_share:
            self.after(min(seconds, 120.0), self._transfer, win)
        else:
            self.after(seconds, self._finish, win)

    def _finish(self, win: WindowSim) -> None:
        done = window_service.finish(self.hub, win.window_id, win.actor, self.model.outcome(self.rng))
        self.report.finished += 1
        if self.raters is not None:
            self.raters.after_service(self.hub, done)
        if self.back_office is not None:
            self.back_office.after_finish(self, done)
        self._free(win)

    def _no_show(self, win: WindowSim) -> None:
        window_service.no_show(self.hub, win.window_id, win.actor)
        self.report.no_shows += 1
        self._free(win)

    def _transfer(self, win: WindowSim) -> None:
        center = self.hub.center
        here = win.ticket["queue_id"]
        targets = [q for q in center.queues if q != here and center.queue(q).window_ids]
        target = self.rng.choice(targets)
        window_service.transfer(self.hub, win.window_id, win.actor, target)
        self.report.transfers += 1
        self._free(win)
        self._wake(target)

    def _free(self, win: WindowSim) -> None:
        win.status, win.ticket = "idle", None
        self.after(self.rng.uniform(*self.model.between_tickets_s), self._try_call, win)

    def _resume(self, win: WindowSim) -> None:
        if win.status != "paused":
            return
        window_service.resume_window(self.hub, win.window_id, win.actor)
        win.status = "idle"
        self._try_call(win)

    def _close(self, win: WindowSim) -> None:
        window_service.close_window(self.hub, win.window_id, win.actor)
        win.status, win.done_for_day = "closed", True

    def _close_day(self) -> None:
        """No more tickets: every window serves whoever waits, then closes."""
        self.closing = True
        for win in self.windows.values():
            if win.status == "closed":
                win.done_for_day = True
            elif win.status == "idle":
                self._try_call(win)
            elif win.status == "paused":
                win.pending_pause = None

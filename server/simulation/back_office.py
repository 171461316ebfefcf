"""The simulated back office (办件): most accepted cases are decided some hours later, a
few stay open (so the year-end view has open and, in time, overdue cases), and most
decided results are collected at the kiosk's pickup queue (取件), served by the windows
of that queue like any ticket.

A random generator of its own (seeded from the simulator's seed) keeps the rest of a
simulated day as it was before cases were simulated.
"""

from __future__ import annotations

import random

from server.queueing.actors import Actor
from server.queueing.errors import QueueingError
from server.services.cases import cases, pickup
from server.services.errors import ServiceError
from server.services.hub import Hub

DECIDED_SHARE = 0.85  # of accepted cases, decided the same simulated day
APPROVED_SHARE = 0.9
DECIDE_AFTER_S = (1800.0, 4 * 3600.0)
COLLECTED_SHARE = 0.7  # of decided cases, collected the same day
COLLECT_AFTER_S = (600.0, 2 * 3600.0)
BACK_OFFICE_USER = "sim-back-office"
NOTES = {"approved": ("材料齐全，准予办理", None), "rejected": ("不符合办理条件", "材料不全，请补正后重新申请")}


def back_office_actor(hub: Hub) -> Actor:
    """A manager account for the simulated back office, which cannot log in."""
    with hub.uow() as uow:
        user = uow.users.by_username(BACK_OFFICE_USER)
        user_id = user.id if user else uow.users.add(BACK_OFFICE_USER, "模拟后台审批", "manager",
                                                     "!simulated", hub.now())
        uow.commit()
    return Actor("user", str(user_id), "模拟后台审批", "manager")


class SimulatedBackOffice:
    def __init__(self, hub: Hub, seed: int) -> None:
        self.rng = random.Random(seed * 6007 + 3)
        self.actor = back_office_actor(hub)
        self.kiosk = Actor("device", "simulator", "模拟取号机", "kiosk")

    def after_finish(self, sim, ticket: dict) -> None:
        """Called by the simulator with every finished ticket."""
        case = ticket.get("case")
        if not case or case.get("pickup") or self.rng.random() >= DECIDED_SHARE:
            return
        sim.after(self.rng.uniform(*DECIDE_AFTER_S), self._decide, sim, case["case_no"])

    def _decide(self, sim, case_no: str) -> None:
        result = "approved" if self.rng.random() < APPROVED_SHARE else "rejected"
        try:
            cases.decide(sim.hub, case_no, self.actor, result, self.rng.choice(NOTES[result]))
        except (QueueingError, ServiceError):
            return  # decided meanwhile by a real manager
        if self.rng.random() < COLLECTED_SHARE:
            sim.after(self.rng.uniform(*COLLECT_AFTER_S), self._collect, sim, case_no)

    def _collect(self, sim, case_no: str) -> None:
        queue_id = sim.hub.center.rules.pickup_queue
        if sim.closing or queue_id is None:
            return
        try:
            pickup.issue_pickup(sim.hub, case_no, self.kiosk)
        except (QueueingError, ServiceError):
            return
        sim.report.issued += 1
        sim._wake(queue_id)

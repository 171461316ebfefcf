"""Simulated visitors who booked (预约): when the hall takes appointments and the
simulator is asked to (``appointments=True``), a share of the arrivals had booked the
slot under way on the booking page and check in at the kiosk instead of taking an
ordinary ticket; a few booked and never come, and end as missed. Through the booking
services, as a phone and a kiosk would; a refusal (slot full, blocked) makes a walk-in."""

from __future__ import annotations

import itertools
import random
from datetime import datetime

from server.queueing.errors import QueueingError
from server.queueing.identity import check_character
from server.services.booking import appointments, checkin
from server.services.hub import Hub

from .model import HallModel


class SimulatedBookers:
    def __init__(self, hub: Hub, model: HallModel, seed: int) -> None:
        self.hub, self.model = hub, model
        self.rng = random.Random(seed * 7919 + 13)
        self._people = itertools.count(1)
        self.booked = self.checked_in = self.absent = 0

    def enabled(self) -> bool:
        return bool(self.hub.center.rules.appointments.enabled)

    def _id_number(self) -> str:
        n = next(self._people)
        first17 = f"6301021980{(n // 1000) % 12 + 1:02d}{(n // 100) % 28 + 1:02d}{n % 1000:03d}"
        return first17 + check_character(first17)

    def arrive(self, matter_id: str, kiosk) -> tuple[bool, dict | None]:
        """(booked, ticket): a booked visitor checking in now has the ticket; one who
        booked and stays away has none; (False, None) is a walk-in."""
        rng = self.rng
        if rng.random() >= self.model.booking_share:
            return False, None
        now = self.hub.now()
        try:
            slot = next((s for s in appointments.list_slots(self.hub, matter_id, self.hub.today(now))
                         if s["available"] > 0
                         and datetime.fromisoformat(s["start"]) <= now), None)
            if slot is None:
                return False, None
            booked, _ = appointments.book(
                self.hub, matter_id=matter_id, start=datetime.fromisoformat(slot["start"]),
                name="模拟访客", id_number=self._id_number(),
                phone=f"139{rng.randrange(10**8):08d}", channel="web")
            self.booked += 1
            if rng.random() < self.model.booked_absent_share:
                self.absent += 1
                return True, None  # booked, never comes: no ticket, and no walk-in either
            ticket, _ = checkin.check_in(self.hub, kiosk, code=booked["code"])
        except QueueingError:
            return False, None
        self.checked_in += 1
        return True, ticket

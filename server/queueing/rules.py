"""The hall's rules (the center file's ``rules`` section), with the contract's defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SupervisionRules:
    unattended_minutes: int = 20  # a window closed or paused this long in opening hours ...
    unattended_wait_minutes: int = 15  # ... while one of its queues has waited this long
    quick_no_show_seconds: int = 30  # a no-show this soon after the first call (刷号)
    long_wait_minutes: int = 60
    transfer_limit: int = 2  # a third transfer, or back to a queue it left


@dataclass(frozen=True)
class AppointmentRules:
    enabled: bool = False
    days_ahead: int = 5
    slot_minutes: int = 60
    per_slot: int = 4  # per queue and slot
    cancel_before_minutes: int = 120
    check_in_early_minutes: int = 30
    late_minutes: int = 15
    strikes: int = 3  # missed appointments within strike_window_days ...
    strike_window_days: int = 90
    block_days: int = 30  # ... block new bookings this long


@dataclass(frozen=True)
class Rules:
    rectify_working_days: int = 15  # a bad rating must be rectified within
    default_case_working_days: int = 7  # a case whose matter's guide names no time limit
    pickup_queue: str | None = None  # queue id where visitors collect results (取件)
    rating_days: int = 7  # (addition) the phone offers the rating this long after service
    rating_pad_seconds: int = 90  # (addition) a pad closes an unanswered request after this
    supervision: SupervisionRules = field(default_factory=SupervisionRules)
    appointments: AppointmentRules = field(default_factory=AppointmentRules)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

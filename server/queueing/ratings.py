"""好差评: the five levels of a visitor's rating, and what makes a ticket rateable.

Levels (GB/T 39734-2020): 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.
Levels 4-5 are "satisfied"; 1-2 are "bad" and open a rectification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from .errors import InvalidFieldError, NotRateableError
from .events import DomainEvent

LEVELS: tuple[int, ...] = (5, 4, 3, 2, 1)
LEVEL_NAMES: dict[int, tuple[str, str]] = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Fairly satisfied"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
}
SATISFIED = frozenset({4, 5})
BAD = frozenset({1, 2})
CHANNELS: tuple[str, ...] = ("pad", "phone", "partner")
# The reasons a visitor may tick for a bad rating (the pad and the phone show these).
BAD_REASONS: dict[str, tuple[str, str]] = {
    "long_wait": ("等候时间太长", "Waited too long"),
    "attitude": ("服务态度不好", "Unfriendly service"),
    "not_told_at_once": ("没有一次性告知", "Not told everything at once"),
    "extra_trip": ("需要多次跑腿", "Has to come again"),
    "slow": ("办理效率低", "Slow handling"),
    "unclear_guide": ("办事指南不清楚", "Unclear service guide"),
    "other": ("其他", "Other"),
}
MAX_REASONS = len(BAD_REASONS)
MAX_COMMENT = 500


@dataclass(frozen=True)
class TicketRated(DomainEvent):
    """data: level, channel. Recorded when a visitor rates a finished ticket."""

    kind: ClassVar[str] = "ticket_rated"


@dataclass(frozen=True)
class RatingInput:
    level: int
    reasons: tuple[str, ...]
    comment: str | None


def is_parsed_level(level: object) -> bool:
    """True for an integer 1..5 (not a boolean)."""
    return not isinstance(level, bool) and isinstance(level, int) and level in LEVEL_NAMES


def parse_rating(level: object, reasons: object = None, comment: object = None) -> RatingInput:
    """Check a rating's fields; ``InvalidFieldError`` (400 invalid_field) names the one at fault."""
    if not is_parsed_level(level):
        raise InvalidFieldError(f"level must be an integer 1..5, got {level!r}", field="level")
    if reasons is None:
        reasons = []
    if not isinstance(reasons, list) or len(reasons) > MAX_REASONS:
        raise InvalidFieldError("reasons must be a list of reason codes", field="reasons")
    for reason in reasons:
        if reason not in BAD_REASONS:
            known = ", ".join(BAD_REASONS)
            raise InvalidFieldError(f"unknown reason {reason!r} (one of {known})", field="reasons")
    if comment is not None:
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
            raise InvalidFieldError(f"comment must be a text of at most {MAX_COMMENT} characters",
                                    field="comment")
        comment = comment.strip() or None
    return RatingInput(level, tuple(dict.fromkeys(reasons)), comment)


def ensure_rateable(status: str, finished_at: datetime | None, now: datetime,
                    rating_days: int) -> None:
    """A ticket is rateable once ``done``, for ``rating_days`` days after it was finished."""
    if status != "done" or finished_at is None:
        raise NotRateableError(f"only a finished ticket can be rated (this one is {status})")
    if now - finished_at > timedelta(days=rating_days):
        raise NotRateableError(f"a ticket can be rated for {rating_days} days after it was finished")


def is_bad(level: int) -> bool:
    return level in BAD

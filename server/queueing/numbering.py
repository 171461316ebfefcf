"""Ticket numbers: a queue prefix and a sequence that restarts every service day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

MIN_DIGITS = 3


def format_number(prefix: str, sequence: int) -> str:
    """``format_number("B", 7) == "B007"``; more digits once a day passes 999."""
    if sequence < 1:
        raise ValueError(f"ticket sequence must be positive, got {sequence}")
    return f"{prefix}{sequence:0{MIN_DIGITS}d}"


def read_number(text: str) -> str:
    """A number as a person types it, in the printed form: ``b2``, ``B 2``, ``B0002`` → ``B002``;
    text that is not letters then digits comes back upper-cased and stripped."""
    compact = "".join(text.split()).upper()
    letters = compact.rstrip("0123456789")
    digits = compact[len(letters):]
    if not digits or not letters.isalpha():
        return compact
    return format_number(letters, int(digits))


def service_day(at: datetime, timezone: ZoneInfo | str) -> date:
    """The calendar day of ``at`` in the center's time zone."""
    if at.tzinfo is None:
        raise ValueError("service_day needs a timezone-aware time")
    tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    return at.astimezone(tz).date()

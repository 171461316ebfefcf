"""Who staffs a window: the A/B posts of a standalone window and the monthly rotation of
a comprehensive one.

The hall's notice: a standalone window has two clerks, post A who works and post B who
stands in; a comprehensive window is shared by several units, each sending one clerk,
and the twelve months are shared evenly among them in the order the units are listed
(six units: two months each), this month's clerk handing over to next month's.
"""

from __future__ import annotations

from collections.abc import Sequence

POSTS = ("A", "B")


def unit_on_duty(unit_ids: Sequence[str], month: int) -> str | None:
    """The unit whose clerk staffs a shared window in ``month`` (1-12)."""
    if not unit_ids:
        return None
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return unit_ids[(month - 1) * len(unit_ids) // 12]


def duty_months(unit_ids: Sequence[str], unit_id: str) -> list[int]:
    """The months (1-12) in which ``unit_id`` staffs the shared window."""
    return [m for m in range(1, 13) if unit_on_duty(unit_ids, m) == unit_id]

"""What goes on a queue ticket's paper, from a ticket and the center.

The paper itself (layout, ESC/POS, the print job's JSON) is device-side, in ``hardware/``.
"""

from __future__ import annotations

from datetime import datetime

from hardware.ticket import TicketContent
from server.queueing.windows import window_range

from ..hub import Hub
from .public_address import printed_base

PRIORITY_REASON_NAMES = {"elderly": "老年人", "disabled": "残疾人", "pregnant": "孕妇",
                         "military": "军人"}
DEFAULT_FOOTER = "请留意大厅屏幕和语音叫号"


def public_status_url(hub: Hub, ticket: dict, base_url: str | None) -> str:
    """The absolute address of the visitor's status page: the hub's public URL when it
    is configured (``YIMEN_PUBLIC_URL``), else the address the kiosk reached it at."""
    return f"{printed_base(hub, base_url)}{ticket['status_url']}"


def window_label(numbers: list[int]) -> str:
    """``[16, 17, 18, 21]`` → ``16-18、21号窗口``: short enough for any ticket."""
    return f"{window_range(numbers)}号窗口" if numbers else ""


def window_numbers(hub: Hub, queue_id: str) -> list[int]:
    return [window.number for window in hub.center.windows_of_queue(queue_id)]


def priority_label(ticket: dict) -> str | None:
    if not ticket.get("priority"):
        return None
    reason = PRIORITY_REASON_NAMES.get(ticket.get("priority_reason") or "")
    return f"优先 · {reason}" if reason else "优先"


def ticket_content(hub: Hub, ticket: dict, *, status_url: str, header: str | None = None,
                   footer: str | None = DEFAULT_FOOTER) -> TicketContent:
    """The paper ticket of a ticket JSON (the contract's shape), in Chinese."""
    center = hub.center
    matter = center.matter(ticket["matter_id"])
    unit = center.units.get(matter.unit_id)
    label = window_label(window_numbers(hub, ticket["queue_id"]))
    return TicketContent(
        center_name=center.name,
        number=ticket["number"],
        matter_name=matter.name,
        unit_name=unit.name if unit else "",
        windows=(label,) if label else (),
        ahead=int(ticket.get("ahead") or 0),
        estimated_wait_s=None if ticket.get("no_window_open") else ticket.get("estimated_wait_s"),
        issued_at=datetime.fromisoformat(ticket["issued_at"]),
        status_url=status_url,
        materials=tuple(matter.guide.materials) if matter.guide else (),
        header=header,
        footer=footer,
        priority_label=priority_label(ticket),
    )

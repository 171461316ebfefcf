"""A print job between the hub and a kiosk agent: the Socket.IO names both sides use,
and a ticket's content as JSON.

The hub (``server/services/issuing/printing.py``) sends ``print_job`` with
``content_to_job(content)``; the agent (``kiosk/agent.py``) rebuilds the content with
``content_from_job`` and prints it. ``server/realtime/names.py`` takes the names from
here, so the agent needs nothing of the hub's code.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from hardware.ticket import TicketContent, TicketLabels

KIOSK = "/kiosk"  # the namespace of kiosk pages and kiosk agents, auth {key, role}
PRINT_JOB = "print_job"  # hub → kiosk agent: print this ticket
PRINTER_STATUS = "printer_status"  # kiosk agent → hub: its printer's state; hub → kiosk page
PRINT_RESULT = "print_result"  # kiosk agent → hub: how a print job ended


def content_to_job(content: TicketContent) -> dict[str, Any]:
    """A ticket's content as JSON, for a ``print_job`` sent to a kiosk agent."""
    data = asdict(content)
    data["issued_at"] = content.issued_at.isoformat()
    data["windows"] = list(content.windows)
    data["materials"] = list(content.materials)
    return data


def content_from_job(data: dict[str, Any]) -> TicketContent:
    """The inverse of :func:`content_to_job` (used by the kiosk agent)."""
    fields = dict(data)
    fields["issued_at"] = datetime.fromisoformat(fields["issued_at"])
    fields["windows"] = tuple(fields.get("windows") or ())
    fields["materials"] = tuple(fields.get("materials") or ())
    fields["labels"] = TicketLabels(**(fields.get("labels") or {}))
    return TicketContent(**fields)

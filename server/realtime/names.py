"""Every Socket.IO namespace, event and room name the hub uses, in one place (the
kiosk agent's few come from ``hardware/print_job.py``, which the agent shares)."""

from hardware.print_job import KIOSK, PRINT_JOB, PRINT_RESULT, PRINTER_STATUS  # noqa: F401

DISPLAY = "/display"
TICKET = "/ticket"
COUNTER = "/counter"

# hub → client events (facts)
HALL_STATE = "hall_state"
TICKET_CALLED = "ticket_called"
QUEUES_CHANGED = "queues_changed"
TICKET_CHANGED = "ticket_changed"
WINDOW_STATE = "window_state"

HALL_ROOM = "hall"


def zone_room(zone_id: str) -> str:
    return f"zone:{zone_id}"


def ticket_room(token: str) -> str:
    return f"ticket:{token}"


def window_room(window_id: str) -> str:
    return f"window:{window_id}"

# Namespaces and events beyond the v1 contract (additions).
MANAGER = "/manager"  # managers' dashboards, auth {token} of a manager or admin

TICKET_PRINTED = "ticket_printed"  # hub → kiosk page: how a print job ended
ALERT = "alert"  # hub → managers
DASHBOARD = "dashboard"  # hub → managers: the live dashboard snapshot

MANAGERS_ROOM = "managers"


CALL_WITHDRAWN = "call_withdrawn"  # hub → hall (addition): a called ticket left its window (transferred)
WINDOW_PANEL = "window_panel"  # hub → the panel above a window (display namespace, auth {window})


def panel_room(window_id: str) -> str:
    return f"panel:{window_id}"


def device_room(device_id: int | str) -> str:
    return f"device:{device_id}"


# 好差评 rating pads (issue 11): a tablet facing the visitor at one window, auth {key}.
RATING = "/rating"
RATING_REQUESTED = "rating_requested"  # hub → pad: its window finished a ticket, ask for a rating
RATING_CLOSED = "rating_closed"  # hub → pad: that ticket was rated, or the window called the next
PAD_STATE = "pad_state"
RECTIFICATION_CHANGED = "rectification_changed"  # hub → managers: {id, status} opened or moved  # hub → pad (addition): window, clerk on duty, the request to show now


def rating_pad_room(window_id: str) -> str:
    return f"rating:{window_id}"

# 办件 (issue 12): a case opened, decided or collected.
CASE_CHANGED = "case_changed"  # hub → managers: {case_no, status, unit_id}
SUPERVISION_ALERT = "supervision_alert"  # hub → managers and supervisors: a finding stored or closed

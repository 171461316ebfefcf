"""Every Socket.IO namespace, event and room name the hub uses, in one place."""

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

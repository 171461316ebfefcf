"""A clerk's actions at a window."""

from flask import jsonify

from server.services import views
from server.services.counter import staffing, windows

from . import bp
from .parsing import field, hub, json_body, staff


@bp.get("/windows")
def list_windows():
    """Every window with its state (staff): where a clerk may sit down."""
    staff()
    with hub().reading() as repos:
        return jsonify(views.windows_overview(hub(), repos))


@bp.get("/windows/<window_id>/panel")
def window_panel(window_id: str):
    """Public: the window's state and current number, for the panel above it."""
    hub().center.window(window_id)
    with hub().reading() as repos:
        return jsonify(views.window_panel(hub(), repos, window_id))


@bp.get("/windows/<window_id>")
def get_window(window_id: str):
    staff()
    return jsonify(windows.get_window_state(hub(), window_id))


@bp.post("/windows/<window_id>/open")
def open_window(window_id: str):
    return jsonify(windows.open_window(hub(), window_id, staff()))


@bp.post("/windows/<window_id>/close")
def close_window(window_id: str):
    return jsonify(windows.close_window(hub(), window_id, staff()))


@bp.post("/windows/<window_id>/call-next")
def call_next(window_id: str):
    return jsonify(windows.call_next(hub(), window_id, staff()))


@bp.post("/windows/<window_id>/call")
def call_ticket(window_id: str):
    actor = staff()
    ticket_id = field(json_body(), "ticket_id", int)
    return jsonify(windows.call_ticket(hub(), window_id, actor, ticket_id))


@bp.post("/windows/<window_id>/recall")
def recall(window_id: str):
    return jsonify(windows.recall(hub(), window_id, staff()))


@bp.post("/windows/<window_id>/start")
def start(window_id: str):
    return jsonify(windows.start_service(hub(), window_id, staff()))


@bp.post("/windows/<window_id>/finish")
def finish(window_id: str):
    actor = staff()
    outcome = field(json_body(), "outcome", max_length=32)
    return jsonify(windows.finish(hub(), window_id, actor, outcome))


@bp.post("/windows/<window_id>/no-show")
def no_show(window_id: str):
    return jsonify(windows.no_show(hub(), window_id, staff()))


@bp.post("/windows/<window_id>/transfer")
def transfer(window_id: str):
    actor = staff()
    queue_id = field(json_body(), "queue_id", max_length=64)
    return jsonify(windows.transfer(hub(), window_id, actor, queue_id))


@bp.post("/windows/<window_id>/pause")
def pause(window_id: str):
    actor = staff()
    reason = field(json_body(optional=True), "reason", required=False, max_length=500)
    return jsonify(windows.pause_window(hub(), window_id, actor, reason))


@bp.post("/windows/<window_id>/resume")
def resume(window_id: str):
    return jsonify(windows.resume_window(hub(), window_id, staff()))


@bp.get("/windows/<window_id>/posts")
def get_posts(window_id: str):
    staff()
    return jsonify(staffing.get_posts(hub(), window_id))


@bp.put("/windows/<window_id>/posts")
def put_posts(window_id: str):
    staff("admin", "manager")
    return jsonify(staffing.assign_posts(hub(), window_id, json_body()))

"""The ``/kiosk`` namespace: a kiosk's touch page and its printer agent.

Both connect with ``auth: {key, role}`` (the kiosk's device key; ``role`` is ``page``
or ``agent``) and join the kiosk's device room. The hub sends there ``print_job`` (for
the agent), ``printer_status`` and ``ticket_printed`` (for the page).
"""

from __future__ import annotations

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from hardware.printer_health import status_from_report
from server.services.accounts.users import authenticate_device
from server.services.errors import ServiceError
from server.services.issuing.printing import PrintService

from . import names
from .revocation_watch import watch

ROLES = ("page", "agent")


def _hub():
    return current_app.extensions["yimen"]


def _printing() -> PrintService:
    return _hub().printing


class KioskNamespace(Namespace):
    """Kiosk pages and kiosk agents; ``auth``: ``{key, role?}`` (role ``page`` by default)."""

    def __init__(self, namespace: str) -> None:
        super().__init__(namespace)
        self._clients: dict[str, tuple[int, str]] = {}  # sid → (device id, role)

    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        role = auth.get("role") or "page"
        if role not in ROLES:
            raise ConnectionRefusedError(f"auth.role must be one of {', '.join(ROLES)}")
        try:
            device = authenticate_device(_hub(), auth.get("key"), kind="kiosk")
        except ServiceError as exc:
            raise ConnectionRefusedError(exc.message) from None
        self._clients[request.sid] = (device.id, role)
        watch().device(request.sid, names.KIOSK, device.id)
        join_room(names.device_room(device.id))
        if role == "agent":
            _printing().agent_connected(device.id, auth)
        else:
            emit(names.PRINTER_STATUS, _printing().printer_snapshot(device.id))
            _printing().check_hub_printer(device.id)

    def on_disconnect(self, *args):
        device_id, role = self._clients.pop(request.sid, (None, None))
        watch().forget(request.sid, names.KIOSK)
        if device_id is not None and role == "agent":
            _printing().agent_disconnected(device_id)

    def _agent(self) -> int | None:
        device_id, role = self._clients.get(request.sid, (None, None))
        return device_id if role == "agent" else None

    def on_printer_status(self, report=None):
        """Sent by a kiosk agent on connect and every few seconds: its printer's state."""
        device_id = self._agent()
        if device_id is None or not isinstance(report, dict):
            return
        _printing().record_status(device_id, status_from_report(report), via="agent",
                                  printer=str(report.get("printer") or "")[:200])

    def on_print_result(self, result=None):
        """Sent by a kiosk agent when a print job ended:
        ``{job_id, token, number, ok, error?, status: {...}}``."""
        device_id = self._agent()
        if device_id is None or not isinstance(result, dict):
            return
        report = result.get("status") if isinstance(result.get("status"), dict) else {}
        _printing().record_result(device_id, result, status_from_report(report), via="agent",
                                  printer=str(report.get("printer") or "")[:200])

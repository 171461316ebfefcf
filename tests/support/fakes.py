"""Fakes for the hub's collaborators (fakes before mocks)."""

from __future__ import annotations


class RecordingPublisher:
    """A publisher that keeps what the services hand it after each commit: domain events,
    messages for devices and alerts for managers."""

    def __init__(self) -> None:
        self.events = []
        self.alerts: list[dict] = []
        self.manager_messages: list[tuple[str, object]] = []
        self.device_messages: list[tuple[int, str, dict]] = []
        self.access_changes = 0

    def publish(self, events) -> None:
        self.events.extend(events)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def send_to_device(self, device_id, event, payload) -> None:
        self.device_messages.append((device_id, event, payload))

    def sent(self, event: str) -> list[dict]:
        """Payloads of the device messages called ``event``."""
        return [payload for _device, name, payload in self.device_messages if name == event]

    def alert(self, payload, *, local: bool = False) -> None:
        self.alerts.append(payload)

    def to_managers(self, event, payload, *, local: bool = False) -> None:
        self.manager_messages.append((event, payload))

    def access_changed(self) -> None:
        self.access_changes += 1

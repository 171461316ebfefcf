"""Threshold checks on the dashboard snapshot: what a hall manager must hear about.

An alert is a dict ``{id, kind, severity, message, at, active, ...}``: ``id`` is stable
while the condition lasts (``long_wait:police``), ``active`` false once it ended.
Kinds checked here: ``long_wait`` (a queue's longest wait passes a threshold),
``unattended`` (a window left while its queues wait), ``called_not_started`` (a visitor
called but not served for too long). ``printer`` alerts come from the kiosk side through
``hub.publisher.alert(...)`` in the same shape (see docs/manager.md).
"""

from __future__ import annotations

from dataclasses import dataclass


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


@dataclass
class Thresholds:
    """In seconds; ``create_app`` takes them from Config (``YIMEN_ALERT_*``)."""

    long_wait_s: int = 30 * 60
    unattended_s: int = 10 * 60
    called_not_started_s: int = 5 * 60


def conditions(snapshot: dict, limits: Thresholds) -> dict[str, dict]:
    """Every alert condition true in this snapshot, by id."""
    at = snapshot["at"]
    found: dict[str, dict] = {}
    for queue in snapshot["queues"]:
        wait = queue["longest_wait_s"]
        if queue["waiting"] and wait >= limits.long_wait_s:
            severity = "critical" if wait >= 2 * limits.long_wait_s else "warning"
            found[f"long_wait:{queue['id']}"] = {
                "kind": "long_wait", "severity": severity, "queue_id": queue["id"], "value_s": wait,
                "message": f"{queue['name']}：最长已等候 {_minutes(wait)} 分钟，{queue['waiting']} 人在等",
                "at": at}
    for window in snapshot["windows"]:
        state_for = window["state_for_s"] or 0
        if window["state"] == "unattended" and state_for >= limits.unattended_s:
            found[f"unattended:{window['id']}"] = {
                "kind": "unattended", "severity": "warning", "window_id": window["id"], "value_s": state_for,
                "message": f"{window['name']}无人值守已 {_minutes(state_for)} 分钟，{window['waiting']} 人在等",
                "at": at}
        current = window["current"]
        if current and current["status"] == "called" and (current["called_for_s"] or 0) >= limits.called_not_started_s:
            found[f"called_not_started:{window['id']}"] = {
                "kind": "called_not_started", "severity": "info", "window_id": window["id"],
                "value_s": current["called_for_s"],
                "message": f"{window['name']}：{current['number']} 已叫号 {_minutes(current['called_for_s'])} 分钟仍未开始办理",
                "at": at}
    return found


class AlertMonitor:
    """Remembers which alerts are active; ``check`` answers what changed."""

    def __init__(self, limits: Thresholds | None = None) -> None:
        self.limits = limits or Thresholds()
        self.active: dict[str, dict] = {}

    def check(self, snapshot: dict) -> list[dict]:
        """New alerts (``active`` true) and ended ones (``active`` false) since the last check."""
        now = conditions(snapshot, self.limits)
        changes = []
        for alert_id, alert in now.items():
            alert = {"id": alert_id, "active": True, **alert}
            if alert_id not in self.active:
                changes.append(alert)
            elif self.active[alert_id]["severity"] != alert["severity"]:
                changes.append(alert)
            else:
                alert["at"] = self.active[alert_id]["at"]  # since when it holds
            self.active[alert_id] = alert
        for alert_id in [a for a in self.active if a not in now]:
            ended = {**self.active.pop(alert_id), "active": False, "at": snapshot["at"]}
            changes.append(ended)
        return changes

    def current(self) -> list[dict]:
        order = {"critical": 0, "warning": 1, "info": 2}
        return sorted(self.active.values(), key=lambda a: (order.get(a["severity"], 3), a["id"]))

"""Alert conditions and their life cycle (start, severity change, end)."""

from __future__ import annotations

from server.services.reporting.alerts import AlertMonitor, Thresholds


def snapshot(at="2026-03-10T10:00:00+08:00", wait=0, waiting=0, state="idle", state_for=0, current=None):
    return {
        "at": at,
        "queues": [{"id": "police", "name": "公安业务", "waiting": waiting, "longest_wait_s": wait}],
        "windows": [{"id": "w16", "name": "16号窗口", "state": state, "state_for_s": state_for,
                     "waiting": waiting, "current": current}],
    }


def test_long_wait_starts_escalates_and_ends():
    monitor = AlertMonitor(Thresholds(long_wait_s=600, unattended_s=300, called_not_started_s=120))
    assert monitor.check(snapshot(wait=599, waiting=3)) == []
    started = monitor.check(snapshot(wait=700, waiting=3))
    assert [(a["id"], a["severity"], a["active"]) for a in started] == [("long_wait:police", "warning", True)]
    assert "公安业务" in started[0]["message"] and "12 分钟" in started[0]["message"]
    assert monitor.check(snapshot(wait=800, waiting=3, at="later")) == []  # unchanged: nothing new
    assert monitor.current()[0]["at"] == "2026-03-10T10:00:00+08:00"  # since when
    escalated = monitor.check(snapshot(wait=1300, waiting=3))
    assert [a["severity"] for a in escalated] == ["critical"]
    ended = monitor.check(snapshot(wait=0, waiting=0, at="2026-03-10T10:30:00+08:00"))
    assert [(a["id"], a["active"], a["at"]) for a in ended] == \
        [("long_wait:police", False, "2026-03-10T10:30:00+08:00")]
    assert monitor.current() == []


def test_unattended_window_and_called_not_started():
    monitor = AlertMonitor(Thresholds(long_wait_s=10**6, unattended_s=300, called_not_started_s=120))
    assert monitor.check(snapshot(waiting=2, state="unattended", state_for=200)) == []
    unattended = monitor.check(snapshot(waiting=2, state="unattended", state_for=301))
    assert unattended[0]["kind"] == "unattended" and unattended[0]["window_id"] == "w16"
    called = {"number": "B007", "status": "called", "called_for_s": 130, "serving_for_s": None}
    changes = monitor.check(snapshot(waiting=2, state="called", current=called))
    kinds = {(a["kind"], a["active"]) for a in changes}
    assert kinds == {("called_not_started", True), ("unattended", False)}
    assert "B007" in next(a for a in changes if a["kind"] == "called_not_started")["message"]

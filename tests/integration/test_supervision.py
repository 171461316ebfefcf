"""电子监察 on the hub, SQLite and PostgreSQL: findings stored once per occurrence however
often and by however many evaluators, pushed, closed with a note, reviewed per unit."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from server.queueing.actors import Actor
from server.queueing.errors import InvalidTransitionError, MissingFieldError
from server.services.accounts.users import set_user_password, staff_actor
from server.services.counter import windows
from server.services.errors import ForbiddenError
from server.services.feedback import ratings
from server.services.issuing import tickets
from server.services.supervision import alerts, review
from server.services.supervision.watch import SupervisionWatch

KIOSK = Actor("device", "1", "kiosk", "kiosk")
MATTER = "pension-insurance-enrol"  # queue social-insurance, windows w01..w08


def staff(hub, username, role):
    set_user_password(hub, username, "secret-pass", role=role, name=username)
    with hub.reading() as repos:
        return staff_actor(repos.users.by_username(username))


def issue(hub):
    return tickets.issue_ticket(hub, matter_id=MATTER, actor=KIOSK)[0]


def pushed(hub) -> list[dict]:
    return [p for event, p in hub.publisher.manager_messages if event == "supervision_alert"]


def test_a_quick_no_show_is_stored_and_pushed_once_by_two_evaluators(make_hub, clock):
    hub, other = make_hub(), make_hub()  # two hubs over one database
    watches = [SupervisionWatch(hub), SupervisionWatch(other)]
    clerk = staff(hub, "clerk1", "clerk")
    windows.open_window(hub, "w01", clerk)
    issue(hub)
    windows.call_next(hub, "w01", clerk)
    clock.advance(5)
    windows.no_show(hub, "w01", clerk)
    stored = []
    for _ in range(3):
        for watch in watches:
            stored += watch.evaluate()
        clock.advance(1)
    assert [a["kind"] for a in stored] == ["quick_no_show"]
    alert = stored[0]
    assert alert["ticket_number"] == "S001" and alert["window_id"] == "w01"
    assert alert["user"]["username"] == "clerk1" and alert["detail"]["seconds"] == 5.0
    assert len(pushed(hub)) + len(pushed(other)) == 1
    # a fresh evaluator (a restarted hub) stores nothing again
    assert SupervisionWatch(make_hub()).evaluate() == []
    assert [a["id"] for a in alerts.list_alerts(hub, status="open")] == [alert["id"]]


def test_waiting_alone_gives_one_long_wait_and_one_unattended_per_window(service_hub, clock):
    hub = service_hub
    watch = SupervisionWatch(hub)
    issue(hub)  # 09:00, nobody at any window
    for _ in range(80):  # evaluated every minute until 10:20
        clock.advance(60)
        watch.evaluate()
    kinds = Counter(a["kind"] for a in alerts.list_alerts(hub))
    assert kinds == {"long_wait": 1, "window_unattended": 8}
    unattended = alerts.list_alerts(hub, kind="window_unattended")
    assert {a["window_id"] for a in unattended} == {f"w0{i}" for i in range(1, 9)}
    assert {a["opened_at"][11:16] for a in unattended} == {"09:20"}  # not before, at the threshold
    assert alerts.list_alerts(hub, kind="long_wait")[0]["opened_at"][11:16] == "10:00"


def test_closing_needs_a_supervisor_and_a_note(service_hub, clock):
    hub = service_hub
    watch = SupervisionWatch(hub)
    issue(hub)
    clock.advance(minutes=61)
    alert = next(a for a in watch.evaluate() if a["kind"] == "long_wait")
    manager, supervisor = staff(hub, "boss", "manager"), staff(hub, "jian", "supervisor")
    with pytest.raises(ForbiddenError):
        alerts.close_alert(hub, alert["id"], manager, "seen")
    with pytest.raises(MissingFieldError):
        alerts.close_alert(hub, alert["id"], supervisor, "  ")
    closed = alerts.close_alert(hub, alert["id"], supervisor, "窗口已补人")
    assert (closed["status"], closed["note"]) == ("closed", "窗口已补人")
    with pytest.raises(InvalidTransitionError):
        alerts.close_alert(hub, alert["id"], supervisor, "again")
    assert pushed(hub)[-1]["status"] == "closed"
    assert alert["id"] not in [a["id"] for a in alerts.list_alerts(hub, status="open")]


def test_an_overdue_rectification_and_the_monthly_review(service_hub, clock):
    hub = service_hub
    watch = SupervisionWatch(hub)
    clerk = staff(hub, "clerk1", "clerk")
    windows.open_window(hub, "w01", clerk)
    ticket = issue(hub)
    windows.call_next(hub, "w01", clerk)
    clock.advance(minutes=5)
    windows.finish(hub, "w01", clerk, "completed")
    ratings.rate_ticket(hub, ticket["token"], level=1)
    clock.advance(days=25)  # past 15 working days
    found = [a for a in watch.evaluate() if a["kind"] == "rectification_overdue"]
    assert len(found) == 1 and found[0]["unit_id"] == "social-insurance"
    assert found[0]["user"]["username"] == "clerk1"
    assert watch.evaluate() == []
    month = review.review(hub, "2026-03")
    unit = next(u for u in month["units"] if u["unit_id"] == "social-insurance")
    assert unit["bad_ratings"] == 1 and unit["overdue_rectifications"] == 1
    assert unit["findings"]["rectification_overdue"] == 1 and month["total"]["bad_ratings"] == 1


def test_case_overdue_from_what_the_cases_code_feeds(service_hub, clock):
    from server.queueing.supervision import Due

    hub = service_hub
    watch = SupervisionWatch(hub)
    due = [Due("2026-SI-00007", clock.now() + timedelta(hours=1), None, unit_id="social-insurance")]
    assert [a for a in watch.evaluate(cases=due) if a["kind"] == "case_overdue"] == []
    clock.advance(hours=1)
    stored = watch.evaluate(cases=due)
    assert [(a["kind"], a["case_no"]) for a in stored] == [("case_overdue", "2026-SI-00007")]
    assert watch.evaluate(cases=due) == []

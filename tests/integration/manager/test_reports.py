"""Range reports agree with the day figures; accuracy, heat map and the ticket log."""

from __future__ import annotations

from datetime import date

import pytest

from server.services.errors import BadRequestError
from server.services.reporting import reports, stats

from .conftest import DAY


def test_report_by_queue_agrees_with_day_stats(day_log):
    hub = day_log.hub
    day = stats.day_stats(hub, DAY)
    report = reports.report(hub, DAY, DAY, "queue")
    assert {k: report["total"][k] for k in ("issued", "served", "no_show", "avg_wait_s", "p90_wait_s",
                                            "avg_service_s")} == \
        {k: day[k] for k in ("issued", "served", "no_show", "avg_wait_s", "p90_wait_s", "avg_service_s")}
    assert [(r["key"], r["issued"]) for r in report["rows"]] == \
        [(q["queue_id"], q["issued"]) for q in day["by_queue"]]
    assert report["rows"][0]["label"] == "公安业务"


@pytest.mark.parametrize("by", reports.DIMENSIONS)
def test_every_dimension_sums_to_the_total(day_log, by):
    report = reports.report(day_log.hub, date(2026, 3, 9), DAY, by)
    assert report["total"]["issued"] == 4
    if by not in ("window", "clerk"):  # the waiting evening ticket has no window
        assert sum(r["issued"] for r in report["rows"]) == 4


def test_clerk_and_weekday_labels(day_log):
    clerks = reports.report(day_log.hub, DAY, DAY, "clerk")
    assert sorted(r["label"] for r in clerks["rows"]) == ["职员w16", "职员w39"]
    weekdays = reports.report(day_log.hub, DAY, DAY, "weekday")
    assert [(r["key"], r["label"]) for r in weekdays["rows"]] == [(1, "周二")]
    hours = reports.report(day_log.hub, DAY, DAY, "hour")
    assert [(r["label"], r["issued"]) for r in hours["rows"]] == [("07:00", 3)]


def test_heatmap_counts_arrivals_by_weekday_and_hour(day_log):
    heat = reports.heatmap(day_log.hub, date(2026, 3, 9), DAY)
    assert heat["cells"] == [[0, 23, 1], [1, 7, 3]]
    assert heat["days_per_weekday"][:2] == [1, 1]


def test_accuracy_compares_quoted_and_real_waits(day_log):
    hub = day_log.hub
    facts = stats.facts_between(hub, DAY, DAY)
    quoted = {f.ticket_id: f.quoted_wait_s for f in facts}
    assert all(q is not None for q in quoted.values())
    result = reports.accuracy(hub, DAY, DAY)
    errors = [f.quoted_wait_s - f.wait_s for f in facts]
    assert result["total"]["tickets"] == 3
    assert result["total"]["mae_s"] == round(sum(abs(x) for x in errors) / 3, 1)
    assert result["total"]["bias_s"] == round(sum(errors) / 3, 1)
    assert result["total"]["within_5min_share"] == round(sum(abs(x) <= 300 for x in errors) / 3, 4)
    assert [r["key"] for r in result["by_queue"]] == ["police"]  # by the queue it was quoted in


def test_ticket_log_has_local_times(day_log):
    rows = reports.ticket_log(day_log.hub, DAY, DAY)
    assert [r["number"] for r in rows] == ["B001", "B002", "B003"]  # numbers restart each local day
    assert rows[0]["issued_at"].isoformat() == "2026-03-10T07:40:00"
    assert rows[0]["called_at"].isoformat() == "2026-03-10T08:05:00"
    assert rows[2]["queue"] == "税务业务" and rows[2]["transfers"] == 1
    assert rows[1]["status"] == "no_show"


def test_bad_ranges_are_refused():
    today = date(2026, 3, 10)
    assert reports.parse_range(None, None, today) == (date(2026, 2, 9), today)
    for bad in (("2026-03-11", "2026-03-10"), ("x", None), ("2020-01-01", "2026-01-01")):
        with pytest.raises(BadRequestError):
            reports.parse_range(*bad, today)
    with pytest.raises(BadRequestError):
        reports.parse_dimension("colour")

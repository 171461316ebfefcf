"""The center file's ``rules`` and ``calendar`` sections: defaults, errors, round trip."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from server.center_file import center_to_document, load_center_file, parse_center
from server.queueing.center_update import check_update
from server.queueing.errors import CenterDefinitionError
from server.queueing.rules import Rules
from tests.unit.test_center_file import small_document


def with_sections(**sections) -> dict:
    document = copy.deepcopy(small_document())
    document.update(sections)
    return document


def refused(document) -> str:
    with pytest.raises(CenterDefinitionError) as caught:
        parse_center(document, "hall.yaml")
    return str(caught.value)


def test_without_the_sections_the_contract_defaults_apply():
    center = parse_center(small_document())
    assert center.rules == Rules()
    assert center.rules.rectify_working_days == 15
    assert center.rules.default_case_working_days == 7
    assert center.rules.pickup_queue is None
    assert center.rules.supervision.unattended_minutes == 20
    assert center.rules.supervision.transfer_limit == 2
    assert center.rules.appointments.enabled is False
    assert center.rules.appointments.per_slot == 4
    assert center.rules.appointments.block_days == 30
    assert not center.calendar
    assert "rules" not in center_to_document(center)


def test_rules_and_calendar_are_read_and_written_back_equal():
    document = with_sections(
        rules={"rectify_working_days": 5, "pickup_queue": "tax",
               "supervision": {"long_wait_minutes": 45, "quick_no_show_seconds": 0},
               "appointments": {"enabled": True, "per_slot": 6}},
        calendar={"holidays": [date(2027, 2, 5), "2027-02-08"], "workdays": ["2027-02-20"]},
    )
    center = parse_center(document)
    assert center.rules.rectify_working_days == 5
    assert center.rules.default_case_working_days == 7
    assert center.rules.pickup_queue == "tax"
    assert center.rules.supervision.long_wait_minutes == 45
    assert center.rules.supervision.quick_no_show_seconds == 0
    assert center.rules.supervision.unattended_minutes == 20
    assert center.rules.appointments.enabled is True
    assert center.calendar.holidays == (date(2027, 2, 5), date(2027, 2, 8))
    assert center.calendar.workdays == (date(2027, 2, 20),)
    again = parse_center(center_to_document(center))
    assert again == center
    assert center.to_dict()["calendar"] == {"holidays": ["2027-02-05", "2027-02-08"],
                                            "workdays": ["2027-02-20"]}
    assert center.to_dict()["rules"]["rectify_working_days"] == 5


@pytest.mark.parametrize(("sections", "message"), [
    ({"rules": {"rectify_working_days": 0}}, "rules.rectify_working_days: must be an integer >= 1"),
    ({"rules": {"rectify_working_days": "15"}}, "rules.rectify_working_days: must be an integer"),
    ({"rules": {"rectify_days": 5}}, "rules.rectify_days: unknown field"),
    ({"rules": {"pickup_queue": "nowhere"}}, "rules.pickup_queue: unknown queue 'nowhere'"),
    ({"rules": {"supervision": {"long_wait_minutes": -1}}},
     "rules.supervision.long_wait_minutes: must be an integer >= 1"),
    ({"rules": {"supervision": {"lunch": 1}}}, "rules.supervision.lunch: unknown field"),
    ({"rules": {"appointments": {"enabled": "yes"}}},
     "rules.appointments.enabled: must be true or false"),
    ({"rules": [1]}, "rules: must be a mapping"),
    ({"calendar": {"holidays": ["2027-13-01"]}}, "calendar.holidays[0]: must be a date YYYY-MM-DD"),
    ({"calendar": {"holidays": ["2027-02-05", "2027-02-05"]}},
     "calendar.holidays[1]: 2027-02-05 is listed twice"),
    ({"calendar": {"holidays": ["2027-02-05"], "workdays": ["2027-02-05"]}},
     "calendar.workdays[0]: 2027-02-05 is also listed under holidays"),
    ({"calendar": {"holiday": []}}, "calendar.holiday: unknown field"),
    ({"calendar": {"workdays": "2027-02-20"}}, "calendar.workdays: must be a list"),
])
def test_a_broken_rule_names_the_field(sections, message):
    assert message in refused(with_sections(**sections))


def test_a_file_error_gives_the_line(tmp_path):
    import yaml

    document = with_sections(calendar={"holidays": ["2027-02-05", "next friday"]})
    path = tmp_path / "hall.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CenterDefinitionError) as caught:
        load_center_file(path)
    text = str(caught.value)
    assert "calendar.holidays[1]: must be a date" in text
    line = int(text.split(":")[1])
    assert "next friday" in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_a_running_hall_may_change_its_rules_and_calendar():
    old = parse_center(small_document())
    new = parse_center(with_sections(rules={"rectify_working_days": 5},
                                     calendar={"holidays": ["2027-02-05"]}))
    changes = check_update(old, new)
    assert "changes the rules" in changes
    assert any("working calendar" in change for change in changes)

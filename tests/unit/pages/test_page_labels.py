"""The label tables pages get: one entry per code the core knows, each translated."""

from __future__ import annotations

from babel.messages.pofile import read_po

from hardware.printer_health import PROBLEM_LEVELS
from server.i18n import translation_directories
from server.page_labels import (
    FLOOR_STATE_NAMES,
    OUTCOME_NAMES,
    PRINTER_PROBLEM_NAMES,
    PRIORITY_REASON_NAMES,
    RATING_CHANNEL_NAMES,
    RATING_LEVEL_NAMES,
    RATING_REASON_NAMES,
    RECTIFICATION_STATUS_NAMES,
    RECTIFICATION_STEP_NAMES,
    TICKET_STATUS_NAMES,
    UNIT_GROUP_NAMES,
    WINDOW_STATUS_NAMES,
    msgids,
)
from server.queueing.center import DEFAULT_PRIORITY_REASONS, UNIT_GROUPS
from server.queueing.ratings import BAD_REASONS, CHANNELS, LEVELS
from server.queueing.rectification import MOVES, RectificationStatus
from server.queueing.tickets import Outcome, TicketStatus
from server.queueing.windows import WindowStatus, window_range


def test_every_code_of_the_core_has_a_label():
    assert set(TICKET_STATUS_NAMES) == set(TicketStatus)
    assert set(WINDOW_STATUS_NAMES) == set(WindowStatus)
    assert set(OUTCOME_NAMES) == set(Outcome)
    assert set(FLOOR_STATE_NAMES) == {"serving", "called", "idle", "paused", "unattended", "closed"}
    assert set(PRIORITY_REASON_NAMES) == set(DEFAULT_PRIORITY_REASONS)
    assert tuple(UNIT_GROUP_NAMES) == UNIT_GROUPS
    assert set(PRINTER_PROBLEM_NAMES) == set(PROBLEM_LEVELS)
    assert set(RATING_LEVEL_NAMES) == {str(level) for level in LEVELS}
    assert set(RATING_REASON_NAMES) == set(BAD_REASONS)
    assert set(RATING_CHANNEL_NAMES) == set(CHANNELS)
    assert set(RECTIFICATION_STATUS_NAMES) == set(RectificationStatus)
    assert set(RECTIFICATION_STEP_NAMES) == {"opened", *MOVES}


def test_every_label_has_an_english_translation():
    english = {}
    for directory in translation_directories():
        for po in directory.glob("en/LC_MESSAGES/*.po"):
            with po.open("rb") as src:
                english.update({m.id: m.string for m in read_po(src) if m.id and m.string})
    missing = [m for m in msgids() if m not in english]
    assert missing == []


def test_one_form_for_window_ranges():
    assert window_range([16, 17, 18, 19, 20, 21, 22, 23]) == "16-23"
    assert window_range([9, 1, 2, 3, 7]) == "1-3、7、9"
    assert window_range([3, 4]) == "3、4"
    assert window_range([]) == ""


def test_every_error_code_a_staff_page_can_meet_has_words():
    """Each code of docs/contract.md's error table that a staff member can meet (not a
    partner's signature, not a method the path does not take) is said in the page's
    language on the counter and the manager's page."""
    import re

    from server.i18n import ROOT
    from server.page_labels import COUNTER_ERROR_NAMES, STAFF_ERROR_NAMES

    contract = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    table = contract.split("### Errors", 1)[1].split("\n## ", 1)[0]
    codes = {code for row in table.splitlines() if row.startswith("| 4") or row.startswith("| 5")
             for code in re.findall(r"`([a-z_]+)`", row.split("|")[3])}
    partner_only = {"bad_signature", "stale_request", "replayed_request", "method_not_allowed"}
    assert codes - partner_only - set(STAFF_ERROR_NAMES) == set()
    assert set(COUNTER_ERROR_NAMES) >= set(STAFF_ERROR_NAMES)

"""A/B posts and the monthly rotation decide who may take a window."""

from __future__ import annotations

import pytest

from server.services.accounts import users as accounts
from server.services.counter import staffing, windows
from server.services.counter.staffing import NotOnDutyError, NotPostedHereError
from server.services.errors import UnprocessableError


def clerk(hub, username: str, unit_id: str | None = None):
    accounts.create_user(hub, username=username, password="secret-pass", role="clerk",
                         name=username, unit_id=unit_id)
    return accounts.authenticate_token(hub, accounts.login(hub, username, "secret-pass")["token"])


def test_posted_window_takes_only_its_a_and_b_clerks(service_hub):
    a, b, other = clerk(service_hub, "li-a"), clerk(service_hub, "wang-b"), clerk(service_hub, "zhao")
    view = staffing.assign_posts(service_hub, "w16", {"A": "li-a", "B": "wang-b"})
    assert view["posts"]["A"]["username"] == "li-a" and view["posts"]["B"]["username"] == "wang-b"
    with pytest.raises(NotPostedHereError, match="li-a"):
        windows.open_window(service_hub, "w16", other)
    opened = windows.open_window(service_hub, "w16", b)  # B stands in; it shows
    assert opened["clerk"]["post"] == "B"
    windows.close_window(service_hub, "w16", b)
    assert windows.open_window(service_hub, "w16", a)["clerk"]["post"] == "A"
    windows.open_window(service_hub, "w17", other)  # a window without posts: anyone
    staffing.assign_posts(service_hub, "w16", {"B": None})
    assert staffing.get_posts(service_hub, "w16")["posts"]["B"] is None
    with pytest.raises(UnprocessableError):
        staffing.assign_posts(service_hub, "w16", {"A": "nobody"})


def test_comprehensive_window_follows_the_monthly_rotation(service_hub, clock):
    # 2 March: months 3-4 belong to the second unit of comprehensive window 1 (w69)
    units = staffing.window_units(service_hub, "w69")
    assert staffing.duty_unit(service_hub, "w69") == units[1]
    on_duty = clerk(service_hub, "duty", units[1])
    off_duty = clerk(service_hub, "off", units[0])
    outsider = clerk(service_hub, "police-clerk", "police")
    with pytest.raises(NotOnDutyError) as refused:
        windows.open_window(service_hub, "w69", off_duty)
    assert refused.value.details["on_duty"] == units[1]
    opened = windows.open_window(service_hub, "w69", on_duty)
    assert opened["duty_unit"] == units[1]
    windows.close_window(service_hub, "w69", on_duty)
    windows.open_window(service_hub, "w69", outsider)  # not one of its units: not held to it
    rotation = staffing.get_posts(service_hub, "w69")["rotation"]
    assert [r["unit_id"] for r in rotation][:2] == [units[0], units[0]]


def test_unknown_unit_for_a_new_user(service_hub):
    with pytest.raises(UnprocessableError) as info:
        accounts.create_user(service_hub, username="x1", password="secret-pass", role="clerk",
                             unit_id="nowhere")
    assert info.value.code == "unknown_unit"

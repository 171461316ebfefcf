"""The brake on password guessing."""

import pytest

from server.api.errors import http_status
from server.services.accounts.login_guard import LoginGuard, TooManyAttemptsError


def test_five_failures_hold_the_username_off_for_a_while():
    guard = LoginGuard(max_failures=5, window_s=300, lock_s=300)
    for second in range(5):
        guard.check("clerk1", second)
        guard.failed("clerk1", second)
    with pytest.raises(TooManyAttemptsError) as info:
        guard.check("clerk1", 10)
    assert http_status(info.value) == 429 and info.value.details["retry_after_s"] == 295
    guard.check("clerk2", 10)  # other users are not affected
    guard.check("clerk1", 305)  # after the lock, tries are allowed again


def test_failures_spread_out_or_followed_by_success_do_not_lock():
    guard = LoginGuard(max_failures=3, window_s=60, lock_s=60)
    for second in (0, 100, 200, 300):
        guard.failed("a", second)
    guard.check("a", 301)
    guard.failed("b", 0)
    guard.failed("b", 1)
    guard.succeeded("b")
    guard.failed("b", 2)
    guard.check("b", 3)

"""The booking code: eight random digits, leading zeros kept."""

from __future__ import annotations

from server.services.booking.appointments import CODE_DIGITS, _code


def test_a_booking_code_is_eight_digits_and_may_begin_with_zero():
    codes = [_code() for _ in range(2000)]
    assert all(len(code) == CODE_DIGITS and code.isascii() and code.isdigit() for code in codes)
    assert {code[0] for code in codes} == set("0123456789")  # 2,000 draws: P(a digit missing) < 1e-90
    assert len(set(codes)) > 1990
